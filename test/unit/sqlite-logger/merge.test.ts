import { join } from 'node:path';
import echoPlugin from '../../../default-plugins/echo/index.js';
import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import sqliteLogger from '../../../default-plugins/sqlite-logger/index.js';
import tracesPlugin from '../../../default-plugins/traces/index.js';
import { selectEngine } from '../../../default-plugins/sqlite-logger/engines/select.js';
import { mergeLogs } from '../../../default-plugins/sqlite-logger/merge-logs.js';
import { createLlm } from '../../../src/host/llm.js';
import type { SqlDatabase } from '../../../src/log-store.js';
import { availableEngines, openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engineObjects = await availableEngines();

/**
 * A log with a bit of everything, its integer ids chosen to clash with the other log's: a tool,
 * fragment and prompt version each log has (under different ids), one only this log has, a
 * response using them, an experiment run, a trace node under its parent.
 */
function fill(db: SqlDatabase, tag: 'a' | 'b'): void {
  const own = tag === 'a' ? 1 : 2;
  const shared = tag === 'a' ? 2 : 1;
  db.run('PRAGMA defer_foreign_keys = ON');
  db.run('INSERT INTO conversations (id, name, model) VALUES (?, ?, ?)', [`c-${tag}`, 'chat', 'echo']);
  db.run("INSERT INTO responses (id, model, prompt, response, conversation_id, datetime_utc) VALUES (?, 'echo', ?, ?, ?, '2026-01-01')", [`r-${tag}`, `prompt ${tag}`, `answer ${tag}`, `c-${tag}`]);
  db.run('INSERT INTO tools (id, hash, name) VALUES (?, ?, ?), (?, ?, ?)', [own, `tool-${tag}`, `only_${tag}`, shared, 'tool-shared', 'shared']);
  db.run('INSERT INTO tool_calls (response_id, tool_id, name, arguments, tool_call_id) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)', [
    `r-${tag}`, own, `only_${tag}`, '{}', `call-${tag}-1`, `r-${tag}`, shared, 'shared', '{}', `call-${tag}-2`,
  ]);
  db.run('INSERT INTO fragments (id, hash, content, datetime_utc) VALUES (?, ?, ?, ?), (?, ?, ?, ?)', [own, `frag-${tag}`, `text ${tag}`, '2026', shared, 'frag-shared', 'shared text', '2026']);
  db.run('INSERT INTO prompt_fragments (response_id, fragment_id, [order]) VALUES (?, ?, 0), (?, ?, 1)', [`r-${tag}`, own, `r-${tag}`, shared]);
  db.run('INSERT INTO attachments (id, type, content) VALUES (?, ?, ?)', ['att-shared', 'image/png', new Uint8Array([1, 2, 3])]);
  db.run('INSERT INTO prompt_attachments (response_id, attachment_id, [order]) VALUES (?, ?, 0)', [`r-${tag}`, 'att-shared']);
  db.run("INSERT OR IGNORE INTO experiments (id, name, executions, concurrency, status, started_at) VALUES ('e-1', 'exp', 3, 1, 'completed', '2026')");
  // Both logs ran index 0 (a shard run twice): the target keeps its own.
  for (const [index, id] of [[0, `run-${tag}-0`], [tag === 'a' ? 1 : 2, `run-${tag}-x`]] as const) {
    db.run("INSERT INTO experiment_runs (id, experiment_id, run_index, status, started_at, duration_ms) VALUES (?, 'e-1', ?, 'ok', '2026', 1)", [id, index]);
    db.run("INSERT INTO experiment_metric_values (run_id, metric, value) VALUES (?, 'length', ?)", [id, index]);
    db.run('INSERT INTO experiment_run_responses (run_id, response_id, position) VALUES (?, ?, 0)', [id, `r-${tag}`]);
  }
  db.run('INSERT INTO prompt_versions (id, name, hash, role, template, created_at) VALUES (?, ?, ?, ?, ?, ?)', [own, 'ask', `hash-${tag}`, 'user', `t ${tag}`, '2026']);
  // A child node before its parent: the references are checked when the merge commits.
  db.run("INSERT INTO trace_nodes (id, trace_id, parent_id, position, name, kind, start_utc, end_utc, duration_ms) VALUES (?, ?, ?, 0, 'child', 'function', '2026', '2026', 1)", [`n-${tag}-2`, `n-${tag}-1`, `n-${tag}-1`]);
  db.run("INSERT INTO trace_nodes (id, trace_id, parent_id, position, name, kind, start_utc, end_utc, duration_ms) VALUES (?, ?, NULL, 0, 'root', 'function', '2026', '2026', 1)", [`n-${tag}-1`, `n-${tag}-1`]);
}

describe.each(engineObjects.map((engine) => engine.name))('llm logs merge on %s', (engine) => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('copies what the target lacks in one go, maps integer ids, leaves out a run index it has, and adds nothing the second time', async () => {
    const llm = await createLlm({
      userDir: dir.path,
      env: { LLM_SQLITE_ENGINE: engine },
      defaultPlugins: false,
      loadInstalled: false,
      plugins: [echoPlugin, sqliteLogger, experimentsPlugin, tracesPlugin],
    });
    const a = await llm.logStore(join(dir.path, 'a.db'));
    const b = await llm.logStore(join(dir.path, 'b.db'));
    await a.write((db) => fill(db, 'a'));
    await b.write((db) => fill(db, 'b'));
    const sqlEngine = await selectEngine({ LLM_SQLITE_ENGINE: engine });

    const [first] = await mergeLogs(a, [b.path], sqlEngine);
    expect(first!.added).toMatchObject({ responses: 1, conversations: 1, tools: 1, tool_calls: 2, fragments: 1, prompt_fragments: 2, prompt_attachments: 1, experiment_runs: 1, trace_nodes: 2 });
    expect(first!.added.attachments).toBeUndefined();
    expect(first!.skipped).toEqual({ experiment_runs: 1, experiment_metric_values: 1, experiment_run_responses: 1 });

    const db = openDatabase(engineObjects.find((e) => e.name === engine)!, a.path);
    try {
      // b's calls point at b's tools, whatever ids they have here.
      expect(db.all('SELECT c.tool_call_id, t.hash FROM tool_calls c JOIN tools t ON t.id = c.tool_id ORDER BY c.tool_call_id')).toEqual([
        { tool_call_id: 'call-a-1', hash: 'tool-a' },
        { tool_call_id: 'call-a-2', hash: 'tool-shared' },
        { tool_call_id: 'call-b-1', hash: 'tool-b' },
        { tool_call_id: 'call-b-2', hash: 'tool-shared' },
      ]);
      expect(db.all("SELECT f.hash FROM prompt_fragments p JOIN fragments f ON f.id = p.fragment_id WHERE p.response_id = 'r-b' ORDER BY p.[order]")).toEqual([{ hash: 'frag-b' }, { hash: 'frag-shared' }]);
      expect(db.all('SELECT COUNT(*) AS n FROM tools')).toEqual([{ n: 3 }]);
      expect(db.all('SELECT run_index, id FROM experiment_runs ORDER BY run_index')).toEqual([
        { run_index: 0, id: 'run-a-0' },
        { run_index: 1, id: 'run-a-x' },
        { run_index: 2, id: 'run-b-x' },
      ]);
      expect(db.all('SELECT hash FROM prompt_versions ORDER BY id')).toEqual([{ hash: 'hash-a' }, { hash: 'hash-b' }]);
      expect(db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(db.all('PRAGMA foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }

    const [second] = await mergeLogs(a, [b.path], sqlEngine);
    expect(second!.added).toEqual({});
    // The source is read, never changed.
    const source = openDatabase(engineObjects.find((e) => e.name === engine)!, b.path);
    try {
      expect(source.all('SELECT COUNT(*) AS n FROM responses')).toEqual([{ n: 1 }]);
    } finally {
      source.close();
    }
  });

  it('refuses a missing file, the target itself, and a file that is not a database, leaving the log as it was', async () => {
    const llm = await createLlm({ userDir: dir.path, env: { LLM_SQLITE_ENGINE: engine }, defaultPlugins: false, loadInstalled: false, plugins: [sqliteLogger] });
    const target = await llm.logStore(join(dir.path, 'a.db'));
    await target.write(() => undefined);
    const sqlEngine = await selectEngine({ LLM_SQLITE_ENGINE: engine });
    await expect(mergeLogs(target, [join(dir.path, 'nope.db')], sqlEngine)).rejects.toThrow(/nope\.db does not exist: name a log database file to merge/);
    await expect(mergeLogs(target, [target.path], sqlEngine)).rejects.toThrow(/is the log being merged into/);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir.path, 'text.db'), 'not a database at all, just some text that is long enough to be a header');
    await expect(mergeLogs(target, [join(dir.path, 'text.db')], sqlEngine)).rejects.toThrow(/text\.db is not a readable SQLite database/);
  });
});
