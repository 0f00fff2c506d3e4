import { createHash } from 'node:crypto';
import type { LogMigration, SqlDatabase } from 'llm-host';

/**
 * embeddings.db's schema: the Python llm's `llm/embeddings_migrations.py`, step by step, with its
 * names, recorded as sqlite-migrate does under the set `llm.embeddings`. Each step leaves the
 * tables as the Python step leaves them (sqlite-utils' `transform` is a rebuild: create a new
 * table, copy, drop, rename), so a file either tool started can be finished by the other.
 */
export const MIGRATION_SET = 'llm.embeddings';

const COLLECTIONS = `CREATE TABLE [collections] (
   [id] INTEGER PRIMARY KEY,
   [name] TEXT,
   [model] TEXT
)`;

/** The embeddings table after each step: its columns, in order, as sqlite-utils writes them. */
const COLUMNS: Record<string, string> = {
  collection_id: '[collection_id] INTEGER',
  id: '[id] TEXT',
  embedding: '[embedding] BLOB',
  content: '[content] TEXT',
  content_blob: '[content_blob] BLOB',
  content_hash: '[content_hash] BLOB',
  metadata: '[metadata] TEXT',
  updated: '[updated] INTEGER',
};

/** Every migration, in order. */
export const EMBEDDINGS_MIGRATIONS: readonly LogMigration[] = [
  {
    name: 'm001_create_tables',
    apply(db) {
      db.exec(`${COLLECTIONS};
CREATE UNIQUE INDEX [idx_collections_name]
    ON [collections] ([name]);
CREATE TABLE [embeddings] (
   [collection_id] INTEGER,
   [id] TEXT,
   [embedding] BLOB,
   [content] TEXT,
   [metadata] TEXT,
   PRIMARY KEY ([collection_id], [id])
);`);
    },
  },
  {
    name: 'm002_foreign_key',
    apply(db) {
      rebuild(db, ['collection_id', 'id', 'embedding', 'content', 'metadata']);
    },
  },
  {
    name: 'm003_add_updated',
    apply(db) {
      rebuild(db, ['collection_id', 'id', 'embedding', 'content', 'metadata', 'updated']);
      db.run('UPDATE embeddings SET updated = ? WHERE updated IS NULL', [Math.floor(Date.now() / 1000)]);
    },
  },
  {
    name: 'm004_store_content_hash',
    apply(db) {
      rebuild(db, ['collection_id', 'id', 'embedding', 'content', 'content_hash', 'metadata', 'updated']);
      // As the Python step: the md5 of stored content; a random one where none was stored.
      const rows = db.all<{ rowid: number; content: string | null }>('SELECT rowid, content FROM embeddings');
      for (const row of rows) {
        const hash = row.content === null ? md5(`${Date.now()}${Math.random()}`) : md5(row.content);
        db.run('UPDATE embeddings SET content_hash = ? WHERE rowid = ?', [hash, row.rowid]);
      }
      db.exec('CREATE INDEX [idx_embeddings_content_hash]\n    ON [embeddings] ([content_hash]);');
    },
  },
  {
    name: 'm005_add_content_blob',
    apply(db) {
      rebuild(db, ['collection_id', 'id', 'embedding', 'content', 'content_blob', 'content_hash', 'metadata', 'updated']);
    },
  },
];

/** The md5 digest the Python llm keys content by (`Collection.content_hash`). */
export function md5(content: string | Uint8Array): Uint8Array {
  return createHash('md5').update(content).digest();
}

/**
 * Rebuilds `embeddings` with these columns in this order (copying those it had), its key and its
 * foreign key to collections, keeping its indexes: what sqlite-utils' add_column + transform leave.
 */
function rebuild(db: SqlDatabase, columns: readonly string[]): void {
  const had = new Set(db.all<{ name: string }>('PRAGMA table_info([embeddings])').map((c) => c.name));
  const indexes = db.all<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'embeddings' AND sql IS NOT NULL");
  const copied = columns.filter((c) => had.has(c)).map((c) => `[${c}]`).join(', ');
  const definition = columns.map((c) => `   ${COLUMNS[c]!}${c === 'collection_id' ? ' REFERENCES [collections]([id])' : ''}`).join(',\n');
  db.exec(`CREATE TABLE [embeddings_new_llm] (
${definition},
   PRIMARY KEY ([collection_id], [id])
);
INSERT INTO [embeddings_new_llm] (${copied}) SELECT ${copied} FROM [embeddings];
DROP TABLE [embeddings];
ALTER TABLE [embeddings_new_llm] RENAME TO [embeddings];`);
  for (const index of indexes) db.exec(index.sql);
}
