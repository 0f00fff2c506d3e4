import { join } from 'node:path';
import { EchoModel } from '../../../default-plugins/echo/echo-model.js';
import { readConversation } from '../../../default-plugins/sqlite-logger/conversations.js';
import { writeLog } from '../../../default-plugins/sqlite-logger/log-file.js';
import { insertRecord, responseRecord } from '../../../default-plugins/sqlite-logger/record.js';
import { pythonJson, toolHash } from '../../../default-plugins/sqlite-logger/tool-record.js';
import type { FileEngine, SqliteDatabase, SqliteEngine } from '../../../default-plugins/sqlite-logger/engines/types.js';
import { defineTool, Toolbox } from '../../../src/models/tool.js';
import { availableEngines, openDatabase, PYTHON_LLM_031_SQL } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

// The tool tables as the Python llm 0.31 makes and reads them: the same columns and keys from our
// migrations, rows it reads back with its own queries (copied from its llm/cli.py and models.py).

const engines = await availableEngines();
const native = engines.find((e): e is FileEngine => e.kind === 'file' && e.hasFts5);
const TOOL_TABLES = ['tools', 'tool_responses', 'tool_calls', 'tool_instances', 'tool_results', 'tool_results_attachments'];

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-tool-log-')));
afterEach(() => dir.remove());

/** A table's shape: columns (name, type, primary key position), foreign keys and indexes. */
function shape(db: SqliteDatabase, table: string): unknown {
  return {
    columns: db.all<{ name: string; type: string; pk: number }>(`PRAGMA table_info([${table}])`).map((c) => [c.name, c.type, c.pk]),
    foreignKeys: db.all<{ from: string; table: string; to: string }>(`PRAGMA foreign_key_list([${table}])`).map((f) => [f.from, f.table, f.to]).sort(),
    indexes: db.all<{ name: string; unique: number }>(`PRAGMA index_list([${table}])`).filter((i) => !i.name.startsWith('sqlite_autoindex')).map((i) => [i.name, i.unique]),
  };
}

describe.each(engines.map((engine) => [engine.name, engine] as const))('on %s', (_name, engine: SqliteEngine) => {
  // The Python llm's log has an FTS5 index: it is read on a native engine.
  (native ? it : it.skip)('a blank log gets the tool tables of the Python llm 0.31, column for column', async () => {
    const path = join(dir.path, 'logs.db');
    await writeLog(path, engine, () => undefined);
    const ours = openDatabase(engine, path);
    const theirs = native!.open(join(dir.path, 'python.db'), { busyTimeoutMs: 1000 });
    try {
      theirs.exec(PYTHON_LLM_031_SQL);
      for (const table of TOOL_TABLES) expect([table, shape(ours, table)]).toEqual([table, shape(theirs, table)]);
    } finally {
      ours.close();
      theirs.close();
    }
  });
});

class Notes extends Toolbox {
  static override readonly methods = { add: { description: 'Add a note', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } } };
  add({ text }: { text: string }): string {
    return `noted: ${text}`;
  }
}

(native ? it : it.skip)("writes rows the Python llm's own queries read back: llm logs (TOOLS_SQL) and Response.from_row", async () => {
  const path = join(dir.path, 'logs.db');
  // Start from a log the Python llm made, so its unique index on tools.hash is the one in use.
  const setup = native!.open(path, { busyTimeoutMs: 1000 });
  setup.exec(PYTHON_LLM_031_SQL);
  setup.close();

  const time = defineTool({ name: 'llm_time', description: 'Returns the current time, as local time and UTC', inputSchema: { type: 'object', properties: {} }, implementation: () => 'noon' });
  const notes = new Notes({ folder: 'ünï' });
  notes.plugin = 'notes-plugin';
  const model = new EchoModel();
  const conversation = model.conversation();
  const ask = JSON.stringify({ prompt: 'time?', tool_calls: [{ name: 'llm_time', arguments: {} }, { name: 'Notes_add', arguments: { text: 'hi' } }] });
  const chain = conversation.chain(ask, { tools: [time, notes] });
  await chain.text();
  const [first, second] = await chain.responses();
  const records = [await responseRecord(first!), await responseRecord(second!)];
  await writeLog(path, native!, (db) => records.forEach((record) => insertRecord(db, record)));
  // The same tools again (a second chain): no new tools rows, a new tool_instances row only for a new instance.
  const again = conversation.chain(ask, { tools: [time, notes] });
  await again.text();
  const more = await Promise.all((await again.responses()).map((r) => responseRecord(r)));
  await writeLog(path, native!, (db) => more.forEach((record) => insertRecord(db, record)));

  const db = native!.open(path, { busyTimeoutMs: 1000 });
  try {
    const count = (table: string) => Number(db.get<{ n: number }>(`SELECT count(*) AS n FROM [${table}]`)!.n);
    expect([count('tools'), count('tool_responses'), count('tool_calls'), count('tool_results'), count('tool_instances')]).toEqual([2, 8, 4, 4, 1]);
    // The Python llm's `llm logs` query (llm/cli.py TOOLS_SQL), verbatim but for the id list.
    const rows = db.all<{ id: string; tools: string; tool_calls: string; tool_results: string }>(PYTHON_TOOLS_SQL, [first!.id, second!.id]);
    const byId = new Map(rows.map((row: { id: string; tools: string; tool_calls: string; tool_results: string }) => [row.id, { tools: JSON.parse(row.tools), tool_calls: JSON.parse(row.tool_calls), tool_results: JSON.parse(row.tool_results) }]));
    expect(byId.get(first!.id)!.tool_calls).toEqual([
      { id: 1, tool_id: 1, name: 'llm_time', arguments: {}, tool_call_id: 'echo_1_1' },
      { id: 2, tool_id: 2, name: 'Notes_add', arguments: { text: 'hi' }, tool_call_id: 'echo_1_2' },
    ]);
    expect(byId.get(first!.id)!.tools.map((t: { name: string; input_schema: object }) => [t.name, t.input_schema])).toEqual([
      ['llm_time', { type: 'object', properties: {} }],
      ['Notes_add', { type: 'object', properties: { text: { type: 'string' } } }],
    ]);
    // A result without attachments: SQLite 3.45+ (node:sqlite on Node 24) no longer passes the JSON
    // subtype of the inner json_group_array through the scalar subquery, so the Python llm's own
    // query gives the string "[]" there and the array [] on older SQLite: the same rows either way.
    const results = byId.get(second!.id)!.tool_results.map((result: { attachments: unknown }) => ({
      ...result,
      attachments: typeof result.attachments === 'string' ? JSON.parse(result.attachments) : result.attachments,
    }));
    expect(results).toEqual([
      { id: 1, tool_id: 1, name: 'llm_time', output: 'noon', tool_call_id: 'echo_1_1', exception: null, attachments: [] },
      { id: 2, tool_id: 2, name: 'Notes_add', output: 'noted: hi', tool_call_id: 'echo_1_2', exception: null, attachments: [] },
    ]);
    // Tool.hash() and tool_instances as the Python llm writes them.
    const hashes = db.all<{ name: string; hash: string; plugin: string | null }>('SELECT name, hash, plugin FROM tools ORDER BY id');
    expect(hashes[0]).toEqual({ name: 'llm_time', hash: toolHash({ name: 'llm_time', description: 'Returns the current time, as local time and UTC', inputSchema: { type: 'object', properties: {} } }), plugin: null });
    expect(hashes[1]!.plugin).toBe('notes-plugin');
    expect(db.all('SELECT plugin, name, arguments FROM tool_instances')).toEqual([{ plugin: 'notes-plugin', name: 'Notes', arguments: '{"folder": "\\u00fcn\\u00ef"}' }]);
    expect(db.all<{ instance_id: number | null }>('SELECT instance_id FROM tool_results ORDER BY id').map((r) => r.instance_id)).toEqual([null, 1, null, 1]);
    // Response.from_row: tool calls ordered by tool_call_id, results by response.
    expect(db.all('select name, arguments, tool_call_id from tool_calls where response_id = ? order by tool_call_id', [first!.id])).toHaveLength(2);
    // And our own reader rebuilds the conversation with its tool history.
    const logged = readConversation(db, conversation.id) as { turns: unknown[]; tools: Map<string, { tool_results: { output: string }[] }> };
    expect(logged.turns).toHaveLength(4);
    expect(logged.tools.get(second!.id)!.tool_results.map((r) => r.output)).toEqual(['noon', 'noted: hi']);
  } finally {
    db.close();
  }
});

it("hashes a tool as the Python llm's Tool.hash() does (sha256 of json.dumps with its default separators)", () => {
  expect(pythonJson({ name: 'f', description: null, input_schema: { properties: { a: { type: 'string' } }, required: ['a'] } })).toBe(
    '{"name": "f", "description": null, "input_schema": {"properties": {"a": {"type": "string"}}, "required": ["a"]}}',
  );
  // hashlib.sha256(json.dumps({"name": "f", "description": None, "input_schema": {}}).encode()).hexdigest()
  expect(toolHash({ name: 'f', inputSchema: {} })).toBe('2081cea9c54150b49273eb72ba90f8c07764f7033ea94d4e20ab777668c8b842');
});

/** The Python llm 0.31's query behind `llm logs` (llm/cli.py), for two response ids. */
const PYTHON_TOOLS_SQL = `
    SELECT responses.id,
    COALESCE(
        (SELECT json_group_array(json_object(
            'id', t.id,
            'hash', t.hash,
            'name', t.name,
            'description', t.description,
            'input_schema', json(t.input_schema)
        ))
        FROM tools t
        JOIN tool_responses tr ON t.id = tr.tool_id
        WHERE tr.response_id = responses.id
        ),
        '[]'
    ) AS tools,
    COALESCE(
        (SELECT json_group_array(json_object(
            'id', tc.id,
            'tool_id', tc.tool_id,
            'name', tc.name,
            'arguments', json(tc.arguments),
            'tool_call_id', tc.tool_call_id
        ))
        FROM tool_calls tc
        WHERE tc.response_id = responses.id
        ),
        '[]'
    ) AS tool_calls,
    COALESCE(
        (SELECT json_group_array(json_object(
            'id', tr.id,
            'tool_id', tr.tool_id,
            'name', tr.name,
            'output', tr.output,
            'tool_call_id', tr.tool_call_id,
            'exception', tr.exception,
            'attachments', COALESCE(
                (SELECT json_group_array(json_object(
                    'id', a.id,
                    'type', a.type,
                    'path', a.path,
                    'url', a.url,
                    'content', a.content
                ))
                FROM tool_results_attachments tra
                JOIN attachments a ON tra.attachment_id = a.id
                WHERE tra.tool_result_id = tr.id
                ),
                '[]'
            )
        ))
        FROM tool_results tr
        WHERE tr.response_id = responses.id
        ),
        '[]'
    ) AS tool_results
    FROM responses
    where id in (?, ?)
`;
