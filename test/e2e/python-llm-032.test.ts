import { join } from 'node:path';
import type { FileEngine } from '../../default-plugins/sqlite-logger/engines/types.js';
import { hashMessageDict } from '../../default-plugins/sqlite-logger/threads/message-hash.js';
import { MessageStore } from '../../default-plugins/sqlite-logger/threads/message-store.js';
import { FakeOpenAIServer, textReply } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { availableEngines } from '../helpers/sqlite-engines.js';
import { FIXTURE_THREAD_ID, PYTHON_LLM_032_LOGS_MD, writePythonLlm032Log } from '../helpers/python-llm-032.js';
import { tempDir } from '../helpers/temp-dir.js';

// A user of the Python llm 0.32 points LLM_USER_PATH at their directory: its logs.db, laid out and
// written by the Python llm 0.32 itself (test/fixtures/python-llm-0.32/build.py), through the CLI.

const engines = await availableEngines();
const native = engines.find((e): e is FileEngine => e.hasFts5 && e.kind === 'file');

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('llm-032-e2e-');
  if (native) writePythonLlm032Log(native, join(dir.path, 'logs.db'));
});
afterEach(() => dir.remove());

const run = (args: string[], options: Parameters<typeof runCli>[2] = {}) => runCli(args, dir.path, options);
const maybe = native ? describe : describe.skip;

maybe('llm logs on a Python llm 0.32 log', () => {
  it('lists both generations in order, exactly as the Python llm 0.32 prints them', async () => {
    const result = await run(['logs', '-n', '0']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(PYTHON_LLM_032_LOGS_MD);
  });

  it('-q finds words from both generations, -c and --cid show the thread, -r its last reply, -s and -u more', async () => {
    const pelican = await run(['logs', '-q', 'pelican', '--json']);
    expect(JSON.parse(pelican.stdout).map((r: { prompt: string }) => r.prompt)).toContain('Three names for a pet pelican, please');
    const umbrella = await run(['logs', '-q', 'umbrella', '--json']);
    expect(JSON.parse(umbrella.stdout)).toEqual([expect.objectContaining({ conversation_id: FIXTURE_THREAD_ID, prompt_fragments: [expect.objectContaining({ content: 'Notes: I always forget my umbrella.' })] })]);
    const current = await run(['logs', '-c', '--json']);
    expect(JSON.parse(current.stdout).map((r: { conversation_id: string }) => r.conversation_id)).toEqual(Array(4).fill(FIXTURE_THREAD_ID));
    const byId = await run(['logs', '--cid', FIXTURE_THREAD_ID]);
    expect(byId.stdout).toContain('### Tool calls\n\n- **weather**: `call_weather_1`');
    expect(byId.stdout).toContain('1. **image/png**: `<69 bytes>`');
    expect((await run(['logs', '-r'])).stdout).toBe('Pack sunglasses, light layers and, as your notes say, an umbrella.\n');
    const short = await run(['logs', '-s', '-u', '-n', '2', '-m', 'scripted']);
    expect(short.stdout).toContain('prompt_fragments:\n    - 8fff922215cbf75d1e25afdd42a2f872af1ac4bc00570b209a8fe1014b8de5eb');
    expect(short.stdout).toContain('tool_results:\n    - "weather: Sunny and 22C in Paris"');
    expect(short.stdout).toContain('usage:\n    input: 50\n    output: 15');
  });
});

const PIXEL_PNG_BASE64 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082',
  'hex',
).toString('base64');

/** The fixture thread as Chat Completions messages: what -c must send before the new prompt. */
const THREAD_MESSAGES = [
  { role: 'system', content: 'You are a concise travel assistant.' },
  { role: 'user', content: [{ type: 'text', text: 'Describe this picture' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL_PNG_BASE64}` } }] },
  { role: 'assistant', content: 'A single red pixel on a transparent background.' },
  { role: 'user', content: 'What is the weather in Paris?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
  { role: 'tool', tool_call_id: 'call_weather_1', content: 'Sunny and 22C in Paris' },
  { role: 'assistant', content: 'The weather tool says: Sunny and 22C in Paris.' },
  { role: 'user', content: 'Notes: I always forget my umbrella.\nPack for that, using my notes' },
  { role: 'assistant', content: 'Pack sunglasses, light layers and, as your notes say, an umbrella.' },
];

maybe('llm -c on a Python llm 0.32 log', () => {
  let server: FakeOpenAIServer;
  beforeEach(async () => (server = await FakeOpenAIServer.start()));
  afterEach(async () => server.close());
  const openai = (args: string[]) => run(args, { env: { OPENAI_API_KEY: 'sk-test-032', OPENAI_BASE_URL: server.baseUrl } });

  it('continues the 0.32 thread (the newest conversation) with its whole history, and writes the reply into it as the Python llm 0.32 would', async () => {
    server.reply(textReply('Rome: the same, minus the umbrella.'), textReply('Gelato.'));
    const first = await openai(['-c', '-m', '4o-mini', 'And for Rome?']);
    expect(first).toMatchObject({ code: 0, stdout: 'Rome: the same, minus the umbrella.\n' });
    expect(server.chatBodies[0].messages).toEqual([...THREAD_MESSAGES, { role: 'user', content: 'And for Rome?' }]);

    // The reply is the thread's newest turn: llm logs -c shows it after the four turns, -q finds it.
    const thread = JSON.parse((await run(['logs', '-c', '--json'])).stdout) as { id: string; prompt: string; response: string; conversation_id: string }[];
    expect(thread.map((r) => r.conversation_id)).toEqual(Array(5).fill(FIXTURE_THREAD_ID));
    expect(thread.at(-1)).toMatchObject({ prompt: 'And for Rome?', response: 'Rome: the same, minus the umbrella.', system: 'You are a concise travel assistant.', model: 'gpt-4o-mini' });
    expect(JSON.parse((await run(['logs', '-q', 'Rome', '--json'])).stdout).map((r: { id: string }) => r.id)).toEqual([thread.at(-1)!.id]);

    // Continued again, the history now ends with that turn, read back from the thread's messages.
    await openai(['-c', 'Dessert?']);
    expect(server.chatBodies[1].model).toBe('gpt-4o-mini');
    expect(server.chatBodies[1].messages).toEqual([
      ...THREAD_MESSAGES,
      { role: 'user', content: 'And for Rome?' },
      { role: 'assistant', content: 'Rome: the same, minus the umbrella.' },
      { role: 'user', content: 'Dessert?' },
    ]);
    expect(server.problems).toEqual([]);

    // The file stays consistent: integrity, FTS in step, hashes re-derivable, the legacy table untouched.
    const db = native!.open(join(dir.path, 'logs.db'), { busyTimeoutMs: 1000 });
    try {
      expect(db.get<{ integrity_check: string }>('PRAGMA integrity_check')!.integrity_check).toBe('ok');
      db.run("INSERT INTO turn_search_fts(turn_search_fts) VALUES ('integrity-check')");
      expect(db.get<{ n: number }>('SELECT count(*) AS n FROM responses')!.n).toBe(3);
      expect(db.get<{ n: number }>('SELECT count(*) AS n FROM turns WHERE thread_id = ?', [FIXTURE_THREAD_ID])!.n).toBe(6);
      const store = new MessageStore(db);
      const tip = db.get<{ tip_message_hash: string }>('SELECT tip_message_hash FROM threads WHERE id = ?', [FIXTURE_THREAD_ID])!.tip_message_hash;
      const chain = store.chain(tip);
      expect(chain.map((m) => m.role).slice(-4)).toEqual(['user', 'assistant', 'user', 'assistant']);
      for (const message of chain.slice(-4)) expect(hashMessageDict({ role: message.role, parts: message.parts.map((p) => p.dict) }, message.parentHash)).toBe(message.hash);
    } finally {
      db.close();
    }
  });

  it('--cid continues the thread by id, also when a newer legacy conversation exists', async () => {
    server.reply(textReply('Legacy.'), textReply('Thread.'));
    await openai(['-m', '4o-mini', 'A new conversation of our own']);
    expect((await run(['logs', '-c', '--json'])).stdout).toContain('A new conversation of our own');
    // The thread's model (the fixture's own) is not installed here: a clear error, as in the Python llm.
    const unknown = await openai(['--cid', FIXTURE_THREAD_ID, 'Back to Paris']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/scripted/);
    expect(unknown.stderr).not.toMatch(/at .*\.js:\d+/);
    await openai(['--cid', FIXTURE_THREAD_ID, '-m', '4o-mini', 'Back to Paris']);
    expect(server.chatBodies[1].messages).toEqual([...THREAD_MESSAGES, { role: 'user', content: 'Back to Paris' }]);
    expect(server.problems).toEqual([]);
  });
});
