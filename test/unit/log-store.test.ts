import sqliteLogger from '../../default-plugins/sqlite-logger/index.js';
import { LlmError, PluginConflictError } from '../../src/errors.js';
import { createLlm } from '../../src/host/llm.js';
import type { LogMigration } from '../../src/log-store.js';
import type { PluginObject } from '../../src/host/plugin.js';
import { availableEngineNames } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A plugin that keeps its own table in the log, as experiments and traces do. */
const notes: PluginObject = {
  name: 'notes',
  apply(hooks) {
    hooks.registerLogMigrations.tap('notes', (register) => {
      register({ name: 'notes_001_table', apply: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)') });
      register({ name: 'notes_002_tag', apply: (db) => db.exec('ALTER TABLE notes ADD COLUMN tag TEXT') });
    });
  },
};

const engines = await availableEngineNames();

describe.each(engines)('the log store on %s', (engine) => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const host = (plugins: PluginObject[]) =>
    createLlm({ userDir: dir.path, env: { LLM_SQLITE_ENGINE: engine }, defaultPlugins: false, loadInstalled: false, plugins });

  it('applies plugin migrations after the log’s own, once, and writes in one transaction', async () => {
    const llm = await host([sqliteLogger, notes]);
    const store = await llm.logStore();
    expect(store.engine).toBe(engine);
    expect(await store.read((db) => db.all('SELECT 1'))).toBeUndefined();
    await store.write((db) => {
      db.run('INSERT INTO notes (text, tag) VALUES (?, ?)', ['first', 'a']);
      db.run('INSERT INTO notes (text, tag) VALUES (?, ?)', ['second', 'b']);
    });
    await expect(
      store.write((db) => {
        db.run('INSERT INTO notes (text) VALUES (?)', ['never kept']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const again = await (await host([sqliteLogger, notes])).logStore();
    expect(await again.read((db) => db.all<{ text: string }>('SELECT text FROM notes ORDER BY id').map((r) => r.text))).toEqual(['first', 'second']);
    const migrations = await again.read((db) => db.all<{ name: string }>('SELECT name FROM _llm_migrations').map((r) => r.name));
    expect(migrations!.slice(-2)).toEqual(['notes_001_table', 'notes_002_tag']);
    expect(migrations).toContain('m010_create_new_log_tables');
  });

  it('appends statements given as data, all or nothing, after the migrations', async () => {
    const llm = await host([sqliteLogger, notes]);
    const store = await llm.logStore();
    await store.append([
      ['INSERT INTO notes (text, tag) VALUES (?, ?)', ['first', 'a']],
      ['INSERT INTO notes (text, tag) VALUES (?, ?)', ['second', 'b']],
    ]);
    await expect(store.append([['INSERT INTO notes (text) VALUES (?)', ['never kept']], ['INSERT INTO no_such_table VALUES (1)', []]])).rejects.toThrow(/no_such_table/);
    await store.append([['INSERT INTO notes (text) VALUES (?)', ['third']]]);
    expect(await store.read((db) => db.all<{ text: string }>('SELECT text FROM notes ORDER BY id').map((r) => r.text))).toEqual(['first', 'second', 'third']);
  });

  it('serves -d databases too', async () => {
    const llm = await host([sqliteLogger, notes]);
    const other = `${dir.path}/other.db`;
    await (await llm.logStore(other)).write((db) => db.run('INSERT INTO notes (text) VALUES (?)', ['elsewhere']));
    expect((await llm.logStore(other)).path).toBe(other);
    expect(await (await llm.logStore()).read((db) => db.all('SELECT 1'))).toBeUndefined();
  });
});

describe('the log store without a logger', () => {
  it('says which plugin is missing', async () => {
    const dir = tempDir();
    try {
      const llm = await createLlm({ userDir: dir.path, env: {}, defaultPlugins: false, loadInstalled: false, plugins: [notes] });
      await expect(llm.logStore()).rejects.toThrow(LlmError);
      await expect(llm.logStore()).rejects.toThrow(/sqlite-logger plugin is switched off or missing/);
    } finally {
      dir.remove();
    }
  });

  it('rejects two plugins registering one migration name', async () => {
    const twin: PluginObject = {
      name: 'twin',
      apply(hooks) {
        hooks.registerLogMigrations.tap('twin', (register) => register({ name: 'notes_001_table', apply: () => {} } as LogMigration));
      },
    };
    const llm = await createLlm({ userDir: '/nonexistent', env: {}, defaultPlugins: false, loadInstalled: false, plugins: [notes, twin] });
    expect(() => llm.logMigrations()).toThrow(PluginConflictError);
    expect(() => llm.logMigrations()).toThrow("log migration 'notes_001_table' is registered by both plugin notes and plugin twin");
  });
});
