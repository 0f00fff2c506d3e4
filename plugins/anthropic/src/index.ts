import { definePlugin } from 'llm-host';
import { CLAUDE_MODELS } from './catalog.js';
import { ClaudeModel, type ClaudeRuntime } from './claude-model.js';
import { SETTING_OPTIONS } from './http-settings.js';

/**
 * The llm-anthropic plugin: Anthropic's Claude models through the Messages API, with the key
 * `anthropic` (`llm keys set anthropic`, or ANTHROPIC_API_KEY). Importing it is cheap: the HTTP
 * client and the request code load on the first prompt.
 */
export default definePlugin({
  name: 'anthropic',
  description: "Anthropic's Claude models through the Messages API",
  apply(hooks, context) {
    const runtime: ClaudeRuntime = { env: context.env, options: context.options, version: context.version };
    for (const name of Object.keys(context.options)) {
      if (!SETTING_OPTIONS.includes(name)) context.warn(`unknown option '${name}' for the anthropic plugin (known: ${SETTING_OPTIONS.join(', ')}); ignoring it`);
    }
    hooks.registerModels.tap('anthropic', (register) => {
      for (const spec of CLAUDE_MODELS) register(new ClaudeModel(spec, runtime));
    });
  },
});
