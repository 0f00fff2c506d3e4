// The floor for `llm similar` (bench/embeddings.mjs): a process that opens embeddings.db with the
// same engine (LLM_SQLITE_ENGINE: node:sqlite or better-sqlite3) and reads every vector blob of
// one collection, touching each, and nothing else.
import { createRequire } from 'node:module';

const [path, engine] = process.argv.slice(2);
let db;
if (engine === 'node:sqlite') {
  const { DatabaseSync } = await import('node:sqlite');
  db = new DatabaseSync(path);
} else {
  db = new (createRequire(import.meta.url)('better-sqlite3'))(path);
}
let bytes = 0;
for (const row of db.prepare('SELECT id, embedding FROM embeddings WHERE collection_id = ?').iterate(1)) bytes += row.embedding.byteLength + row.id.length;
db.close();
process.stdout.write(String(bytes));
