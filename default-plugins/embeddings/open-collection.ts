import { LlmError, type CollectionRequest, type Hooks, type LogStore, type PluginContext } from 'llm-host';
import { EMBEDDINGS_MIGRATIONS, MIGRATION_SET } from './migrations.js';
import { embeddingsPath } from './paths.js';
import { SqliteCollection, type CollectionRow } from './sqlite-collection.js';

/**
 * The embeddings database (`database`, else embeddings.db in the user directory), opened by the
 * plugin that keeps the log (`openLogStore` with a `file`): the same SQLite engines, locking and
 * atomic writes, with the Python llm's embeddings migrations.
 */
export async function openEmbeddingsStore(hooks: Hooks, userDir: string, database: string | undefined): Promise<LogStore> {
  const store = await hooks.openLogStore.promise({ file: embeddingsPath(userDir, database), migrations: EMBEDDINGS_MIGRATIONS, migrationSet: MIGRATION_SET });
  if (!store) throw new LlmError('No plugin opens SQLite databases: the sqlite-logger plugin is switched off or missing (see llm plugins --all).');
  return store;
}

/** The `openCollection` tap: finds the collection by name, creating it if asked to. */
export async function openCollection(request: CollectionRequest, hooks: Hooks, context: PluginContext): Promise<SqliteCollection> {
  const store = await openEmbeddingsStore(hooks, context.userDir, request.database);
  const find = (db: { get<T extends object>(sql: string, params?: readonly (string | number)[]): T | undefined }) =>
    db.get<CollectionRow>('SELECT id, name, model FROM collections WHERE name = ?', [request.name]);
  let row = await store.read(find);
  if (!row) {
    if (!request.create) throw new LlmError(`Collection '${request.name}' does not exist in ${store.path}; 'llm collections' lists the collections there.`);
    const model = request.model ?? request.defaultModel;
    if (!model) {
      throw new LlmError(`Collection '${request.name}' does not exist yet: name the embedding model to create it with (-m MODEL), or set a default with 'llm embed-models default MODEL'.`);
    }
    row = await store.write((db) => {
      db.run('INSERT OR IGNORE INTO collections (name, model) VALUES (?, ?)', [request.name, model.id]);
      return find(db)!;
    });
  }
  if (request.model && request.model.id !== row.model) {
    throw new LlmError(
      `Collection '${request.name}' holds vectors of model '${row.model}', not '${request.model.id}': leave out -m to use its model, or embed into another collection.`,
    );
  }
  return new SqliteCollection(store, { id: Number(row.id), name: row.name, model: row.model }, request.getModel, [request.model, request.defaultModel].find((m) => m?.id === row.model));
}
