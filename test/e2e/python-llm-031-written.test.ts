import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEngine } from '../../default-plugins/sqlite-logger/engines/types.js';
import { FakeOpenAIServer, textReply } from '../helpers/fake-openai-server.js';
import { TEST_KEY } from '../helpers/openai-host.js';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { availableEngines } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// A logs.db with attachments and fragments written by the Python llm 0.31 itself (its CLI, run by
// test/fixtures/python-llm-0.31-written/build.py): read here as the Python llm reads it, and
// continued with -c, which sends its fragments and attachments again.

const fixtures = join(repoRoot, 'test', 'fixtures', 'python-llm-0.31-written');
const SQL = readFileSync(join(fixtures, 'logs.sql'), 'utf8');
const PYTHON_JSON = JSON.parse(readFileSync(join(fixtures, 'python-logs.json'), 'utf8')) as Record<string, unknown>[];
// The fixture has the Python llm's FTS5 index, which needs a native engine to load.
const native = (await availableEngines()).find((e): e is FileEngine => e.hasFts5 && e.kind === 'file');
const maybe = native ? it : it.skip;

let dir: ReturnType<typeof tempDir>;
let server: FakeOpenAIServer;
beforeEach(async () => {
  dir = tempDir('llm-031-written-');
  server = await FakeOpenAIServer.start();
  if (!native) return;
  const db = native.open(join(dir.path, 'logs.db'), { busyTimeoutMs: 1000 });
  try {
    db.exec(SQL);
  } finally {
    db.close();
  }
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});
const run = (args: string[]) => runCli(args, dir.path, { env: { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.baseUrl } });

maybe("llm logs --json shows the Python llm 0.31's attachments and fragments as it does; -c sends them again", async () => {
  const ours = JSON.parse((await run(['logs', '-n', '0', '--json'])).stdout) as Record<string, unknown>[];
  const keys = ['id', 'prompt', 'system', 'response', 'conversation_id', 'prompt_fragments', 'system_fragments', 'attachments'];
  const pick = (rows: Record<string, unknown>[]) => rows.map((row) => Object.fromEntries(keys.map((key) => [key, row[key]])));
  // Our attachments also carry `content` (true when the log holds bytes: the Python llm 0.32's
  // shape); 0.31's have the other keys only.
  const without = (rows: Record<string, unknown>[]) =>
    pick(rows).map((row) => ({ ...row, attachments: (row.attachments as Record<string, unknown>[]).map(({ content: _content, ...rest }) => rest) }));
  expect(without(ours)).toEqual(pick(PYTHON_JSON));
  expect((PYTHON_JSON[0]!.attachments as unknown[]).length).toBe(2);

  server.reply(textReply('A pelican.'));
  expect(await run(['-c', '-m', '4o-mini', 'Which is bigger?'])).toMatchObject({ code: 0, stdout: 'A pelican.\n' });
  const [system, first, , second, , last] = server.chatBodies[0].messages;
  expect(system).toEqual({ role: 'system', content: 'Answer in one short sentence.\n\nYou describe pictures.' });
  const facts = 'Facts: the first picture is a single red pixel.';
  expect(first.content).toEqual([
    { type: 'text', text: `${facts}\nDescribe these` },
    { type: 'image_url', image_url: { url: expect.stringMatching(/^data:image\/png;base64,iVBORw0KGgo/) } },
    { type: 'image_url', image_url: { url: 'https://example.com/pelican.png' } },
  ]);
  expect(second).toEqual({ role: 'user', content: `${facts}\nAnd the URL one?` });
  expect(last).toEqual({ role: 'user', content: 'Which is bigger?' });
});
