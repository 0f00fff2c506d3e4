import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOpenAIServer, textReply } from '../helpers/fake-openai-server.js';
import { png } from '../helpers/media.js';
import { TEST_KEY } from '../helpers/openai-host.js';
import { pythonWithSqliteUtils, runPython } from '../helpers/python-llm.js';
import { runCli, type RunOptions } from '../helpers/run-cli.js';
import { selectEngine } from '../../default-plugins/sqlite-logger/engines/select.js';
import { tempDir } from '../helpers/temp-dir.js';

// Logs with attachments and fragments, written here, read by the Python llm 0.31: its migrations
// (test/fixtures/python-llm-0.31/migrations.py, run by python3 with sqlite-utils, which .ci/run
// installs) run cleanly on them, and its own queries (`llm logs`, `-f ALIAS`) find what we wrote.

const python = pythonWithSqliteUtils();
// The engine the CLI picks here (sql.js alone where better-sqlite3 did not build on Node 20): without
// FTS5 this llm leaves the Python llm's full-text index (m011) for the Python llm to add.
const cliHasFts5 = (await selectEngine({})).hasFts5;
if (!python) throw new Error("These tests need python3 with sqlite-utils: 'apt-get install sqlite-utils' (.ci/run installs it).");

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir('llm-e2e-python-');
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

const run = (args: string[], options: RunOptions = {}) =>
  runCli(args, dir.path, { ...options, env: { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.baseUrl, ...options.env } });

it("creates the attachment and fragment tables with the SQL of the Python llm's own migrations", async () => {
  expect((await run(['logs', 'on'])).code).toBe(0);
  expect((await run(['-m', 'echo', 'create the log'])).code).toBe(0);
  const objects = "('attachments', 'prompt_attachments', 'fragments', 'idx_fragments_hash', 'fragment_aliases', 'prompt_fragments', 'system_fragments')";
  const dump = `print(json.dumps({r['name']: r['sql'] for r in db.query("select name, sql from sqlite_master where name in ${objects}")}))`;
  const ours = runPython(python, join(dir.path, 'logs.db'), dump);
  const theirs = runPython(python, join(dir.path, 'blank.db'), `migrate(db)\n${dump}`);
  expect(Object.keys(theirs as object)).toHaveLength(7);
  expect(ours).toEqual(theirs);
});

it('a log with attachments and fragments: the Python migrations run cleanly on it, and its queries read our rows', async () => {
  const image = png();
  writeFileSync(join(dir.path, 'bird.png'), image);
  writeFileSync(join(dir.path, 'notes.md'), 'Pelicans eat fish.');
  server.reply(textReply('A bird.'), textReply('Orange.'));
  expect((await run(['fragments', 'set', 'notes', 'notes.md'])).code).toBe(0);
  expect((await run(['-m', '4o-mini', '-a', 'bird.png', '-a', '-', '-f', 'notes', '--sf', 'notes.md', 'What is this?'], { input: image })).code).toBe(0);
  expect((await run(['-c', '-f', 'notes', 'Which colour?'])).code).toBe(0);
  const path = join(dir.path, 'logs.db');

  const result = runPython(
    python,
    path,
    `before = {r['name'] for r in db['_llm_migrations'].rows}
migrate(db)
after = {r['name'] for r in db['_llm_migrations'].rows}
ids = [r['id'] for r in db.query('select id from responses order by id')]
# The Python llm's ATTACHMENTS_SQL and FRAGMENTS_SQL (llm logs), and _load_by_alias (-f ALIAS).
attachments = list(db.query('''select response_id, attachments.id, attachments.type, attachments.path, attachments.url, length(attachments.content) as content_length
  from attachments join prompt_attachments on attachments.id = prompt_attachments.attachment_id
  where prompt_attachments.response_id in (?, ?) order by prompt_attachments."order"''', ids))
fragments = {table: list(db.query('''select {t}.response_id, fragments.hash, fragments.content,
  (select json_group_array(fragment_aliases.alias) from fragment_aliases where fragment_aliases.fragment_id = fragments.id) as aliases
  from {t} join fragments on {t}.fragment_id = fragments.id where {t}.response_id in (?, ?) order by {t}."order"'''.format(t=table), ids))
  for table in ('prompt_fragments', 'system_fragments')}
alias = list(db.query('''select content, source from fragments left join fragment_aliases on fragments.id = fragment_aliases.fragment_id
  where alias = :alias or hash = :alias limit 1''', {'alias': 'notes'}))
print(json.dumps({'ran': sorted(after - before), 'ids': ids, 'attachments': attachments, 'fragments': fragments, 'alias': alias,
  'integrity': db.execute('pragma integrity_check').fetchone()[0]}))`,
  ) as Record<string, any>;
  // The Python llm adds what this llm does not write (its old log table; and its FTS5 index when this
  // llm's engine has no FTS5), and nothing else.
  expect(result.ran).toEqual([
    'm001_initial', 'm002_id_primary_key', 'm003_chat_id_foreign_key', 'm004_column_order', 'm004_drop_provider', 'm005_debug',
    'm006_new_logs_table', 'm007_finish_logs_table', 'm008_fix_column_order_in_logs', 'm008_reply_to_id_foreign_key',
    'm009_delete_logs_table_if_empty', ...(cliHasFts5 ? [] : ['m011_fts_for_responses']),
  ]);
  expect(result.integrity).toBe('ok');
  const [first, second] = result.ids as string[];
  const { createHash } = await import('node:crypto');
  const imageId = createHash('sha256').update(image).digest('hex');
  expect(result.attachments).toEqual([
    { response_id: first, id: imageId, type: 'image/png', path: join(dir.path, 'bird.png'), url: null, content_length: null },
  ]);
  const notesHash = createHash('sha256').update('Pelicans eat fish.').digest('hex');
  expect(result.fragments).toEqual({
    prompt_fragments: [
      { response_id: first, hash: notesHash, content: 'Pelicans eat fish.', aliases: '["notes"]' },
      { response_id: second, hash: notesHash, content: 'Pelicans eat fish.', aliases: '["notes"]' },
    ],
    system_fragments: [{ response_id: first, hash: notesHash, content: 'Pelicans eat fish.', aliases: '["notes"]' }],
  });
  expect(result.alias).toEqual([{ content: 'Pelicans eat fish.', source: join(dir.path, 'notes.md') }]);

  // And after the Python llm's migrations, this llm still reads and continues it. With sql.js, which
  // cannot update the FTS5 index the Python llm added, the reply is shown, the log is left as it was,
  // and a one-line warning says which engine to use.
  if (!cliHasFts5) {
    const before = readFileSync(path);
    server.reply(textReply('Still orange.'));
    const continued = await run(['-c', 'Sure?']);
    expect(continued.stdout).toBe('Still orange.\n');
    expect(server.chatBodies[2].messages[1].content).toHaveLength(2);
    expect(continued.stderr).toMatch(/^Warning: this response was not logged: .*has a full-text search index \(FTS5\) that the sql\.js engine cannot update\. Use a native engine[^\n]*\n$/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const logs = JSON.parse((await run(['logs', '--json', '-n', '0'])).stdout) as { attachments: unknown[] }[];
    expect(logs.map((row) => row.attachments.length)).toEqual([1, 0]);
    return;
  }
  server.reply(textReply('Still orange.'));
  expect((await run(['-c', 'Sure?'])).stdout).toBe('Still orange.\n');
  expect(server.chatBodies[2].messages[1].content).toHaveLength(2);
  const logs = JSON.parse((await run(['logs', '--json', '-n', '0'])).stdout) as { attachments: unknown[] }[];
  expect(logs.map((row) => row.attachments.length)).toEqual([1, 0, 0]);
});
