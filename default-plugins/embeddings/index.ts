import { definePlugin } from 'llm-host';
import { HashingEmbeddingModel } from './hashing-model.js';

/**
 * Default plugin: collections of embeddings in embeddings.db (the Python llm's tables and
 * migrations), answered to `openCollection`; the commands `llm embed`, `embed-multi`, `similar`,
 * `collections` and `embed-models`; and an offline embedding model (hashed n-grams) that needs no
 * key. This file only taps hooks: the database code and commands load when used.
 */
export default definePlugin({
  name: 'embeddings',
  description: 'Embeddings: llm embed, embed-multi, similar, collections (embeddings.db); an offline embedding model',
  apply(hooks, context) {
    hooks.registerEmbeddingModels.tap('embeddings', (register) => register(new HashingEmbeddingModel()));
    hooks.openCollection.tapPromise('embeddings', async (request) => {
      const { openCollection } = await import('./open-collection.js');
      return openCollection(request, hooks, context);
    });
    hooks.registerCommands.tap('embeddings', (register) => {
      register('embed', () => import('./commands/embed.js'));
      register('embed-multi', () => import('./commands/embed-multi.js'));
      register('similar', () => import('./commands/similar.js'));
      register('collections', () => import('./commands/collections-list.js'));
      register('collections list', () => import('./commands/collections-list.js'));
      register('collections path', () => import('./commands/collections-path.js'));
      register('collections delete', () => import('./commands/collections-delete.js'));
      register('embed-models', () => import('./commands/embed-models-list.js'));
      register('embed-models list', () => import('./commands/embed-models-list.js'));
      register('embed-models default', () => import('./commands/embed-models-default.js'));
    });
  },
});
