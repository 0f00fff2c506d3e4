import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDINGS_MIGRATIONS, MIGRATION_SET } from '../../../default-plugins/embeddings/migrations.js';
import { migrate } from '../../../default-plugins/sqlite-logger/migrations.js';
import { repoRoot } from '../../helpers/run-cli.js';
import { availableEngines, columnsOf } from '../../helpers/sqlite-engines.js';

// embeddings.db's schema on every engine: the Python llm's tables and migration names, from a
// blank database and from a database the Python llm made (the fixture).

const engines = await availableEngines();
const PYTHON_FIXTURE = readFileSync(join(repoRoot, 'test', 'fixtures', 'python-llm-embeddings', 'embeddings.sql'), 'utf8');
const NAMES = ['m001_create_tables', 'm002_foreign_key', 'm003_add_updated', 'm004_store_content_hash', 'm005_add_content_blob'];
const set = { set: MIGRATION_SET };

const blank = (engine: (typeof engines)[number]) => (engine.kind === 'file' ? engine.open(':memory:', { busyTimeoutMs: 1000 }) : engine.load(undefined));

describe.each(engines.map((engine) => [engine.name, engine] as const))('embeddings migrations on %s', (_name, engine) => {
  it("migrates a blank database to the Python llm's tables, recorded as sqlite-migrate records them", () => {
    const db = blank(engine);
    expect(migrate(db, engine.hasFts5, EMBEDDINGS_MIGRATIONS, set)).toEqual(NAMES);
    expect(columnsOf(db, 'collections')).toEqual(['id', 'name', 'model']);
    expect(columnsOf(db, 'embeddings')).toEqual(['collection_id', 'id', 'embedding', 'content', 'content_blob', 'content_hash', 'metadata', 'updated']);
    const types = db.all<{ name: string; type: string; pk: number }>('PRAGMA table_info([embeddings])').map((c) => [c.name, c.type, c.pk]);
    expect(types).toEqual([
      ['collection_id', 'INTEGER', 1],
      ['id', 'TEXT', 2],
      ['embedding', 'BLOB', 0],
      ['content', 'TEXT', 0],
      ['content_blob', 'BLOB', 0],
      ['content_hash', 'BLOB', 0],
      ['metadata', 'TEXT', 0],
      ['updated', 'INTEGER', 0],
    ]);
    expect(db.all('PRAGMA foreign_key_list([embeddings])')).toMatchObject([{ table: 'collections', from: 'collection_id', to: 'id' }]);
    expect(db.all<{ name: string; unique: number }>('PRAGMA index_list([collections])').map((i) => [i.name, Number(i.unique)])).toContainEqual(['idx_collections_name', 1]);
    const rows = db.all<{ migration_set: string; name: string; applied_at: string }>('SELECT * FROM _sqlite_migrations ORDER BY rowid');
    expect(rows.map((r) => [r.migration_set, r.name])).toEqual(NAMES.map((n) => [MIGRATION_SET, n]));
    expect(rows[0]!.applied_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    // Applied once: nothing left to do, and the log's own table is not created.
    expect(migrate(db, engine.hasFts5, EMBEDDINGS_MIGRATIONS, set)).toEqual([]);
    expect(db.get("SELECT name FROM sqlite_master WHERE name = '_llm_migrations'")).toBeUndefined();
    db.close();
  });

  it('reads a Python llm embeddings.db as it is: nothing to migrate, vectors and hashes as written there', () => {
    const db = blank(engine);
    db.exec(PYTHON_FIXTURE);
    expect(migrate(db, engine.hasFts5, EMBEDDINGS_MIGRATIONS, set)).toEqual([]);
    const cats = db.get<{ embedding: Uint8Array; content_hash: Uint8Array; metadata: string }>("SELECT * FROM embeddings WHERE id = 'cats'")!;
    expect(Array.from(new Float32Array(new Uint8Array(cats.embedding).buffer))).toEqual([0.5, -0.25, 0.125, 1]);
    expect(Buffer.from(cats.content_hash).toString('hex')).toBe('4fbcb31ac4eb0dc150a5b9095cb6a85b');
    expect(JSON.parse(cats.metadata)).toEqual({ kind: 'pet' });
    db.close();
  });

  it('finishes a database an older Python llm left at m003: content hashed with md5, rows kept', () => {
    const db = blank(engine);
    for (const migration of EMBEDDINGS_MIGRATIONS.slice(0, 3)) migration.apply(db);
    db.exec("CREATE TABLE [_sqlite_migrations] ([migration_set] TEXT, [name] TEXT PRIMARY KEY, [applied_at] TEXT)");
    for (const name of NAMES.slice(0, 3)) db.run('INSERT INTO _sqlite_migrations VALUES (?, ?, ?)', [MIGRATION_SET, name, '2024-01-01 00:00:00.000000']);
    db.run("INSERT INTO collections (id, name, model) VALUES (1, 'old', 'ada-002')");
    db.run("INSERT INTO embeddings (collection_id, id, embedding, content, metadata, updated) VALUES (1, 'a', X'0000803f', 'hello', NULL, 1700000000), (1, 'b', X'00000040', NULL, NULL, 1700000000)");
    expect(migrate(db, engine.hasFts5, EMBEDDINGS_MIGRATIONS, set)).toEqual(NAMES.slice(3));
    const rows = db.all<{ id: string; content_hash: Uint8Array; embedding: Uint8Array; updated: number }>('SELECT * FROM embeddings ORDER BY id');
    expect(Buffer.from(rows[0]!.content_hash).toString('hex')).toBe('5d41402abc4b2a76b9719d911017c592'); // md5("hello")
    expect(rows[1]!.content_hash).toHaveLength(16); // random, as the Python step makes it
    expect(rows.map((r) => [Buffer.from(r.embedding).toString('hex'), r.updated])).toEqual([
      ['0000803f', 1700000000],
      ['00000040', 1700000000],
    ]);
    db.close();
  });
});
