import { join } from 'node:path';
import { definePlugin } from 'llm-host';
import { OPENAI_EMBEDDING_MODELS, OPENAI_MODELS, type ChatModelSpec } from './catalog.js';
import { OpenAIChatModel, type ChatModelRuntime } from './chat-model.js';
import { OpenAIEmbeddingModel } from './embedding-model.js';
import { EXTRA_MODELS_FILE, mergeModels, readExtraModels } from './extra-models.js';
import { SETTING_OPTIONS } from './http-settings.js';

/**
 * Default plugin: OpenAI's chat and embedding models, plus OpenAI-compatible models from
 * `extra-openai-models.yaml`, and the `llm openai models` command. Importing it is cheap: the HTTP
 * client, YAML and the command load only when used.
 */
export default definePlugin({
  name: 'openai',
  description: 'OpenAI chat and embedding models, and OpenAI-compatible servers from extra-openai-models.yaml',
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
    // Read once, for whichever of the two registrations runs first.
    let extraModels: Promise<ChatModelSpec[]> | undefined;
    const extra = () => (extraModels ??= readExtraModels(runtime.extraModelsPath, context.warn));
    hooks.registerModels.tapPromise('openai', async (register) => {
      const chat = (await extra()).filter((spec) => !spec.embeddingModel);
      for (const spec of mergeModels(OPENAI_MODELS, chat)) register(new OpenAIChatModel(spec, runtime));
    });
    hooks.registerEmbeddingModels.tapPromise('openai', async (register) => {
      const embedding = (await extra()).filter((spec) => spec.embeddingModel);
      for (const spec of mergeModels(OPENAI_EMBEDDING_MODELS, embedding)) register(new OpenAIEmbeddingModel(spec, runtime));
    });
    hooks.registerCommands.tap('openai', (register) => {
      register('openai models', () => import('./models-command.js'));
    });
  },
});
