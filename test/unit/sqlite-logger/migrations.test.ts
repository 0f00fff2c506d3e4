import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLog, writeLog } from '../../../default-plugins/sqlite-logger/log-file.js';
import { MIGRATIONS, appliedMigrations, migrate } from '../../../default-plugins/sqlite-logger/migrations.js';
import { listResponses } from '../../../default-plugins/sqlite-logger/queries.js';
import { readConversation } from '../../../default-plugins/sqlite-logger/conversations.js';
import { findFragment } from '../../../default-plugins/sqlite-logger/fragments.js';
import { Fragment } from '../../../src/models/fragment.js';
import type { FileEngine, SqliteEngine } from '../../../default-plugins/sqlite-logger/engines/types.js';
import { availableEngines, columnsOf, describeEachEngine, openDatabase, PYTHON_LLM_031_SQL, writePythonLog } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engines = await availableEngines();
const ftsEngine = engines.find((e): e is FileEngine => e.hasFts5 && e.kind === 'file');

/** The columns the Python llm (0.31) has, in its order: what both tools read and write. */
const EXPECTED_COLUMNS = {
  conversations: ['id', 'name', 'model'],
  responses: [
    'id', 'model', 'prompt', 'system', 'prompt_json', 'options_json', 'response', 'response_json', 'conversation_id',
    'duration_ms', 'datetime_utc', 'input_tokens', 'output_tokens', 'token_details', 'schema_id', 'resolved_model', 'request_hash',
  ],
  schemas: ['id', 'content'],
  _llm_migrations: ['name', 'applied_at'],
};

/** The Python llm 0.31's migration names (llm/migrations.py): ours must be a subset of these plus our own js*. */
const PYTHON_MIGRATIONS = [
  'm001_initial', 'm002_id_primary_key', 'm003_chat_id_foreign_key', 'm004_column_order', 'm004_drop_provider', 'm005_debug',
  'm006_new_logs_table', 'm007_finish_logs_table', 'm008_reply_to_id_foreign_key', 'm008_fix_column_order_in_logs',
  'm009_delete_logs_table_if_empty', 'm010_create_new_log_tables', 'm011_fts_for_responses', 'm012_attachments_tables',
  'm013_usage', 'm014_schemas', 'm015_fragments_tables', 'm016_fragments_table_pks', 'm017_tools_tables', 'm017_tools_plugin',
  'm018_tool_instances', 'm019_resolved_model', 'm020_tool_results_attachments', 'm021_tool_results_exception',
];

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-sqlite-')));
afterEach(() => dir.remove());

describe.each(engines.map((engine) => [engine.name, engine] as const))('migrations on %s', (_name, engine: SqliteEngine) => {
  it('migrates a blank database to the expected tables and columns, once', async () => {
    const path = join(dir.path, 'logs.db');
    await writeLog(path, engine, () => undefined);
    const db = openDatabase(engine, path);
    try {
      for (const [table, columns] of Object.entries(EXPECTED_COLUMNS)) expect(columnsOf(db, table)).toEqual(columns);
      const applied = [...appliedMigrations(db)];
      const expected = MIGRATIONS.filter((m) => engine.hasFts5 || !m.needsFts5).map((m) => m.name);
      expect(applied.sort()).toEqual(expected.sort());
      for (const name of applied.filter((n) => n.startsWith('m'))) expect(PYTHON_MIGRATIONS).toContain(name);
      expect(applied.every((n) => n.startsWith('m') || n.startsWith('js'))).toBe(true);
      const applied_at = db.get<{ applied_at: string }>('SELECT applied_at FROM _llm_migrations LIMIT 1')!.applied_at;
      expect(applied_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      const indexes = db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'responses' AND sql IS NOT NULL");
      expect(indexes.map((i) => i.name).sort()).toEqual(['idx_responses_conversation_id', 'idx_responses_model_id', 'idx_responses_request_hash']);
      const triggers = db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").map((t) => t.name);
      if (engine.hasFts5) {
        expect(triggers.sort()).toEqual(['responses_ad', 'responses_ai', 'responses_au']);
        expect(columnsOf(db, 'responses_fts')).toEqual(['prompt', 'response']);
      } else {
        // No FTS5 here: the index is left for an engine that has it (the migration stays unrecorded).
        expect(triggers).toEqual([]);
        expect(appliedMigrations(db).has('m011_fts_for_responses')).toBe(false);
      }
      // Nothing left to do the second time.
      expect(migrate(db, engine.hasFts5)).toEqual([]);
    } finally {
      db.close();
    }
  });
});

/** The tables of the Python llm's m012, m015 and m016, and the index m015 adds. */
const ATTACHMENT_AND_FRAGMENT_OBJECTS = ['attachments', 'prompt_attachments', 'fragments', 'idx_fragments_hash', 'fragment_aliases', 'prompt_fragments', 'system_fragments'];

/** The SQL SQLite keeps for these objects, by name. */
const schemaSql = (db: { all<T extends object>(sql: string): T[] }) =>
  Object.fromEntries(
    db
      .all<{ name: string; sql: string }>('SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL')
      .filter((row) => ATTACHMENT_AND_FRAGMENT_OBJECTS.includes(row.name))
      .map((row) => [row.name, row.sql]),
  );

describe.each(engines.map((engine) => [engine.name, engine] as const))('attachment and fragment tables on %s', (_name, engine: SqliteEngine) => {
  it("are created with the SQL the Python llm 0.31's sqlite-utils leaves (m012, m015, m016)", async () => {
    const path = join(dir.path, 'logs.db');
    await writeLog(path, engine, () => undefined);
    const db = openDatabase(engine, path);
    try {
      // The fixture's CREATE statements for these objects, as SQLite keeps them (no trailing ';').
      const expected = Object.fromEntries(
        PYTHON_LLM_031_SQL.split(/;\n/)
          .map((statement) => statement.replace(/^(--.*\n|\s)*/, ''))
          .map((statement) => [/^CREATE (?:UNIQUE )?(?:TABLE|INDEX) (?:\[(\w+)\]|"(\w+)")/.exec(statement), statement] as const)
          .filter(([match]) => match && ATTACHMENT_AND_FRAGMENT_OBJECTS.includes(match[1] ?? match[2]!))
          .map(([match, statement]) => [match![1] ?? match![2]!, statement]),
      );
      expect(Object.keys(expected)).toHaveLength(ATTACHMENT_AND_FRAGMENT_OBJECTS.length);
      expect(schemaSql(db)).toEqual(expected);
    } finally {
      db.close();
    }
  });

  it('are added to a log whose later migrations ran first (an older llm-host log), keeping its rows', async () => {
    const path = join(dir.path, 'logs.db');
    const later = MIGRATIONS.filter((m) => !['m012_attachments_tables', 'm015_fragments_tables', 'm016_fragments_table_pks'].includes(m.name));
    await writeLog(path, engine, (db) => db.run("INSERT INTO responses (id, prompt) VALUES ('r1', 'kept')"), { migrations: [] });
    // Simulate the old log: drop the new tables and their records.
    await writeLog(path, engine, (db) => {
      for (const table of ['prompt_attachments', 'attachments', 'prompt_fragments', 'system_fragments', 'fragment_aliases', 'fragments']) db.exec(`DROP TABLE [${table}]`);
      db.run("DELETE FROM _llm_migrations WHERE name IN ('m012_attachments_tables', 'm015_fragments_tables', 'm016_fragments_table_pks')");
    });
    const db = openDatabase(engine, path);
    try {
      expect([...appliedMigrations(db)].sort()).toEqual(later.filter((m) => engine.hasFts5 || !m.needsFts5).map((m) => m.name).sort());
      expect(migrate(db, engine.hasFts5)).toEqual(['m012_attachments_tables', 'm015_fragments_tables', 'm016_fragments_table_pks']);
      expect(Object.keys(schemaSql(db)).sort()).toEqual([...ATTACHMENT_AND_FRAGMENT_OBJECTS].sort());
      expect(db.all('SELECT prompt FROM responses')).toEqual([{ prompt: 'kept' }]);
      // m016's primary key: the same fragment twice in one prompt.
      db.run("INSERT INTO fragments (hash, content) VALUES ('h', 'text')");
      db.run("INSERT INTO prompt_fragments VALUES ('r1', 1, 0)");
      db.run("INSERT INTO prompt_fragments VALUES ('r1', 1, 1)");
    } finally {
      db.close();
    }
  });
});

// sql.js runs the same SQL over its in-memory copy; the plans matter for the native engines, whose
// cost must not grow with the log.
const fileEngines = engines.filter((e) => e.kind === 'file');
describeEachEngine(fileEngines, 'query plans on %s', (_name, engine: SqliteEngine) => {
  it('reads the newest responses and one conversation through indexes, not a scan and sort', async () => {
    const path = join(dir.path, 'logs.db');
    await writeLog(path, engine, () => undefined);
    const db = openDatabase(engine, path);
    try {
      const plan = (sql: string) => db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ['x']).map((r) => r.detail).join(' | ');
      const newest = plan(
        'SELECT responses.id FROM responses LEFT JOIN schemas ON responses.schema_id = schemas.id LEFT JOIN conversations ON responses.conversation_id = conversations.id WHERE ? IS NOT NULL ORDER BY responses.id DESC LIMIT 3',
      );
      expect(newest).toMatch(/SCAN responses USING INDEX sqlite_autoindex_responses_1/);
      expect(newest).not.toMatch(/TEMP B-TREE/);
      expect(plan('SELECT id FROM responses WHERE conversation_id = ? ORDER BY rowid')).toMatch(/USING INDEX idx_responses_conversation_id/);
      expect(plan('SELECT id FROM responses WHERE model = ? ORDER BY id DESC LIMIT 3')).toMatch(/USING (COVERING )?INDEX idx_responses_model_id/);
    } finally {
      db.close();
    }
  });
});

describe('a logs.db written by the Python llm 0.31', () => {
  const native = ftsEngine;
  // Written by Python's sqlite3 (with FTS5), so these run on every engine, sql.js alone included.
  const pythonLog = async () => writePythonLog(join(dir.path, 'logs.db'));

  it('reads here: our migrations see theirs as applied and add only indexes and the conversation_origins table', async () => {
    const path = await pythonLog();
    for (const engine of engines) {
      const rows = await readLog(path, engine, (db, info) => listResponses(db, info, { count: 0 }));
      expect(rows.map((r) => r.id)).toEqual([
        '01jt09aaaaaaaaaaaaaaaaaaa1',
        '01jt09aaaaaaaaaaaaaaaaaaa2',
        '01jt0aaaaaaaaaaaaaaaaaaaa1',
        '01jt0aaaaaaaaaaaaaaaaaaaa2',
        '01jt0bbbbbbbbbbbbbbbbbbbb1',
      ]);
      // Its attachments (a path, a URL, stdin's bytes) and fragments, in order.
      expect(rows[0]!.attachments).toEqual([
        { id: '32aa7e2a9d3aca5f1ad2632723f5b7d30889b4b4ce3ef91fc1c872964962bc41', type: 'image/jpeg', path: '/home/user/pelican.jpg', url: null, content: null, content_length: null },
        { id: 'a0bb4b828a01b065efc88962aed8b0e8b7bb7da7b0524dfa13b21b7a5ea8063e', type: 'image/jpeg', path: null, url: 'https://static.simonwillison.net/static/2024/pelicans.jpg', content: null, content_length: null },
        { id: '02a3e298f1533f62558c58e4c70edcab9af5a50d62d925fd5390942020fb0fb8', type: 'image/png', path: null, url: null, content: true, content_length: 16 },
      ]);
      expect(rows[0]!.prompt_fragments).toEqual([{ hash: 'd87e203193aec58252450b8f394e73bc28d2127e6fbc25396a81e8482baa7d72', content: 'Pelicans are large water birds.\n', aliases: [] }]);
      expect(rows[0]!.system_fragments).toEqual([{ hash: 'c7c581d2fef65037defaff703b22c0e3385a56397bab39aa48727b29337dca8f', content: 'Reply in the voice of a pirate.', aliases: ['pirate'] }]);
      expect(rows[1]).toMatchObject({ attachments: [], prompt_fragments: [], system_fragments: [] });
      const withExtras = await readLog(path, engine, (db) => readConversation(db, '01jt09aaaaaaaaaaaaaaaaaaaa'));
      expect(withExtras && 'extras' in withExtras ? withExtras.extras.get('01jt09aaaaaaaaaaaaaaaaaaa1') : undefined).toEqual({
        attachments: [
          { id: '32aa7e2a9d3aca5f1ad2632723f5b7d30889b4b4ce3ef91fc1c872964962bc41', type: 'image/jpeg', path: '/home/user/pelican.jpg' },
          { id: 'a0bb4b828a01b065efc88962aed8b0e8b7bb7da7b0524dfa13b21b7a5ea8063e', type: 'image/jpeg', url: 'https://static.simonwillison.net/static/2024/pelicans.jpg' },
          { id: '02a3e298f1533f62558c58e4c70edcab9af5a50d62d925fd5390942020fb0fb8', type: 'image/png', content: expect.any(Uint8Array) },
        ],
        fragments: [new Fragment('Pelicans are large water birds.\n', '/home/user/notes.md')],
        systemFragments: [new Fragment('Reply in the voice of a pirate.', '/home/user/pirate.txt')],
      });
      expect(await readLog(path, engine, (db) => findFragment(db, 'pirate'))).toEqual(new Fragment('Reply in the voice of a pirate.', '/home/user/pirate.txt'));
      expect(rows[2]).toMatchObject({
        conversation_name: 'Three names for a pet pelican, …',
        resolved_model: 'gpt-4o-mini-2024-07-18',
        options_json: '{"temperature": 0.5}',
        input_tokens: 18,
      });
      expect(rows[4]!.schema_json).toContain('"required":["name","age"]');
      const search = await readLog(path, engine, (db, info) => listResponses(db, info, { search: 'pelican' }));
      expect(search.map((r) => r.id)).toContain('01jt0aaaaaaaaaaaaaaaaaaaa1');
      // -c: the conversation of the newest response (b), not the older one (a).
      const conversation = await readLog(path, engine, (db) => readConversation(db, undefined));
      expect(conversation).toMatchObject({ id: '01jt0bbbbbbbbbbbbbbbbbbbbb', model: 'gpt-4o-mini' });
    }
    const db = openDatabase(engines[0]!, path);
    try {
      const applied = appliedMigrations(db);
      // A native engine adds our indexes and the conversation_origins table as it reads; sql.js cannot
      // write a log with an FTS5 index, so alone it leaves the file as the Python llm wrote it.
      expect([...applied].filter((n) => !PYTHON_MIGRATIONS.includes(n))).toEqual(native ? ['js001_response_indexes', 'js002_conversation_origins', 'js003_responses_request_hash'] : []);
      // The Python llm's conversations have no origin row: they count as a person's for llm -c.
      if (native) expect(db.all('SELECT * FROM conversation_origins')).toEqual([]);
      // The Python tables we do not use are untouched.
      expect(columnsOf(db, 'tool_results')).toContain('exception');
    } finally {
      db.close();
    }
  });

  (native ? it : it.skip)('takes new rows from a native engine, which Python-style queries read back', async () => {
    const path = await pythonLog();
    await writeLog(path, native!, (db) => {
      db.run("INSERT INTO conversations VALUES ('01jz0ccccccccccccccccccccc', 'From llm (TypeScript)', 'echo')");
      db.run(
        `INSERT INTO responses (id, model, prompt, system, prompt_json, options_json, response, response_json, conversation_id, duration_ms, datetime_utc, input_tokens, output_tokens, token_details, schema_id, resolved_model)
         VALUES ('01jz0ccccccccccccccccccccc1', 'echo', 'a pelican from TypeScript', NULL, NULL, '{}', 'Turn 1', NULL, '01jz0ccccccccccccccccccccc', 3, '2025-06-01T00:00:00.000000+00:00', 4, 2, NULL, NULL, NULL)`,
      );
    });
    const db = openDatabase(native!, path);
    try {
      // What the Python llm's `llm logs` selects: responses joined to conversations and schemas, newest first by id.
      const rows = db.all<{ id: string; conversation_name: string; schema_json: string | null }>(
        `SELECT responses.id, responses.model, responses.resolved_model, responses.input_tokens, conversations.name AS conversation_name,
                conversations.model AS conversation_model, schemas.content AS schema_json
           FROM responses LEFT JOIN schemas ON responses.schema_id = schemas.id
           LEFT JOIN conversations ON responses.conversation_id = conversations.id ORDER BY responses.id DESC LIMIT 3`,
      );
      expect(rows[0]).toMatchObject({ id: '01jz0ccccccccccccccccccccc1', conversation_name: 'From llm (TypeScript)' });
      // Its `llm logs -q`: the FTS5 index the triggers keep, joined on rowid.
      const found = db.all<{ id: string }>(
        'SELECT responses.id FROM responses JOIN responses_fts ON responses_fts.rowid = responses.rowid WHERE responses_fts MATCH ? ORDER BY responses_fts.rank',
        ['pelican'],
      );
      expect(found.map((r) => r.id).sort()).toEqual(['01jt0aaaaaaaaaaaaaaaaaaaa1', '01jz0ccccccccccccccccccccc1']);
      expect(db.get<{ r: string }>('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
      db.exec("INSERT INTO responses_fts(responses_fts) VALUES('integrity-check')");
    } finally {
      db.close();
    }
  });

  it('is read by sql.js, which refuses to write it (no FTS5) and leaves the file as it was', async () => {
    const path = await pythonLog();
    const sqljs = engines.find((e) => e.name === 'sql.js')!;
    const before = (await import('node:fs')).readFileSync(path);
    await expect(writeLog(path, sqljs, (db) => db.run("INSERT INTO conversations VALUES ('x', 'x', 'x')") && db.run("INSERT INTO responses (id, prompt, response) VALUES ('y', 'p', 'r')"))).rejects.toMatchObject({
      problem: 'fts5',
      message: expect.stringMatching(/has a full-text search index \(FTS5\) that the sql\.js engine cannot update\. Use a native engine/),
    });
    expect((await import('node:fs')).readFileSync(path).equals(before)).toBe(true);
  });
});

describe('an empty or foreign file', () => {
  it.each(engines.map((engine) => [engine.name, engine] as const))('%s starts a new log in an empty file', async (_name, engine) => {
    const path = join(dir.path, 'logs.db');
    writeFileSync(path, '');
    await writeLog(path, engine, () => undefined);
    const db = openDatabase(engine, path);
    try {
      expect(columnsOf(db, 'responses')).toEqual(EXPECTED_COLUMNS.responses);
    } finally {
      db.close();
    }
  });
});
