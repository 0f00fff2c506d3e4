import { join } from 'node:path';
import { definePlugin } from 'llm-host';
import { OPENAI_MODELS } from './catalog.js';
import { OpenAIChatModel, type ChatModelRuntime } from './chat-model.js';
import { EXTRA_MODELS_FILE, mergeModels, readExtraModels } from './extra-models.js';
import { SETTING_OPTIONS } from './http-settings.js';

/**
 * Default plugin: OpenAI's chat models, plus OpenAI-compatible models from
 * `extra-openai-models.yaml`, and the `llm openai models` command. Importing it is cheap: the HTTP
 * client, YAML and the command load only when used.
 */
export default definePlugin({
  name: 'openai',
  description: 'OpenAI chat models, and OpenAI-compatible servers from extra-openai-models.yaml',
  apply(hooks, context) {
    const runtime: ChatModelRuntime = {
      env: context.env,
      options: context.options,
      version: context.version,
      extraModelsPath: join(context.userDir, EXTRA_MODELS_FILE),
    };
    for (const name of Object.keys(context.options)) {
      if (!SETTING_OPTIONS.includes(name)) {
        context.warn(`unknown option '${name}' for the openai plugin (known: ${SETTING_OPTIONS.join(', ')}); ignoring it`);
      }
    }
    hooks.registerModels.tapPromise('openai', async (register) => {
      const extra = await readExtraModels(runtime.extraModelsPath, context.warn);
      for (const spec of mergeModels(OPENAI_MODELS, extra)) register(new OpenAIChatModel(spec, runtime));
    });
    hooks.registerCommands.tap('openai', (register) => {
      register('openai models', () => import('./models-command.js'));
    });
  },
});
