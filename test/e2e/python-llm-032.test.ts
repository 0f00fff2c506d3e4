import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEngine } from '../../default-plugins/sqlite-logger/engines/types.js';
import { hashMessageDict, messageHash } from '../../default-plugins/sqlite-logger/threads/message-hash.js';
import { MessageStore } from '../../default-plugins/sqlite-logger/threads/message-store.js';
import { pythonJsonDumps } from '../../default-plugins/sqlite-logger/threads/python-json.js';
import { FakeOpenAIServer, textReply, type FakeRequest } from '../helpers/fake-openai-server.js';
import { png } from '../helpers/media.js';
import { runCli } from '../helpers/run-cli.js';
import { toolCallsReply } from '../helpers/tool-replies.js';
import { availableEngines } from '../helpers/sqlite-engines.js';
import { FIXTURE_THREAD_ID, PYTHON_LLM_032_LOGS_MD, PYTHON_LLM_RUNNABLE, pythonLlm032Check, writePythonLlm032Log } from '../helpers/python-llm-032.js';
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
    // -l: the same matches of both generations, newest (by id) last, none ranked.
    const ids = async (args: string[]) => (JSON.parse((await run(['logs', ...args, '--json'])).stdout) as { id: string }[]).map((r) => r.id);
    const matches = await ids(['-q', 'a', '-n', '0']);
    expect(matches.length).toBeGreaterThan(2);
    expect(await ids(['-q', 'a', '-n', '0', '-l'])).toEqual([...matches].sort());
    expect(await ids(['-q', 'a', '-n', '2', '-l'])).toEqual([...matches].sort().slice(-2));
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

  it('continues the thread with an attachment (-a) and a tool chain (-T): their parts are written into it as the Python llm 0.32 writes them', async () => {
    writeFileSync(join(dir.path, 'dot.png'), png());
    const replies = [
      (request: FakeRequest) => (void request, textReply('An orange dot.')),
      (request: FakeRequest) => toolCallsReply(request, [{ id: 'call_v', name: 'llm_version', arguments: '{}' }]),
      (request: FakeRequest) => (void request, textReply('That is the version.')),
      (request: FakeRequest) => toolCallsReply(request, [{ id: 'call_d', name: 'draw', arguments: '{}' }]),
      (request: FakeRequest) => (void request, textReply('Drawn.')),
      (request: FakeRequest) => (void request, textReply('You are welcome.')),
    ];
    server.handle((request) => replies.shift()!(request));
    expect(await openai(['-c', '-m', '4o-mini', '-a', join(dir.path, 'dot.png'), 'And this one?'])).toMatchObject({ code: 0, stderr: '' });
    expect(await openai(['-c', '-T', 'llm_version', 'Which llm version?'])).toMatchObject({ code: 0, stderr: '', stdout: 'That is the version.\n' });
    // A tool that returns an attachment (ToolOutput): 0.32's chain sends it in a user message after the tool message.
    const draw = `import { Attachment, ToolOutput } from 'llm-host';
      export function draw() { return new ToolOutput({ output: 'drawn', attachments: [Attachment.fromPath(${JSON.stringify(join(dir.path, 'dot.png'))})] }); }`;
    expect(await openai(['-c', '--functions', draw, 'Draw it'])).toMatchObject({ code: 0, stderr: '', stdout: 'Drawn.\n' });
    await openai(['-c', 'Thanks']);
    // The whole history comes back from the thread's messages: the image, the call and its result.
    const dot = `data:image/png;base64,${png().toString('base64')}`;
    const history = server.chatBodies[5].messages as { role: string }[];
    expect(history.slice(THREAD_MESSAGES.length)).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'And this one?' }, { type: 'image_url', image_url: { url: dot } }] },
      { role: 'assistant', content: 'An orange dot.' },
      { role: 'user', content: 'Which llm version?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_v', type: 'function', function: { name: 'llm_version', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_v', content: expect.stringMatching(/^\d+\.\d+\.\d+/) },
      { role: 'assistant', content: 'That is the version.' },
      { role: 'user', content: 'Draw it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_d', type: 'function', function: { name: 'draw', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_d', content: 'drawn' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: dot } }] },
      { role: 'assistant', content: 'Drawn.' },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(server.problems).toEqual([]);

    const path = join(dir.path, 'logs.db');
    const db = native!.open(path, { busyTimeoutMs: 1000 });
    try {
      expect(db.get<{ integrity_check: string }>('PRAGMA integrity_check')!.integrity_check).toBe('ok');
      db.run("INSERT INTO turn_search_fts(turn_search_fts) VALUES ('integrity-check')");
      // Nothing went to the legacy tables: the turns are the thread's.
      expect(db.get<{ n: number }>('SELECT count(*) AS n FROM responses')!.n).toBe(3);
      expect(db.get<{ n: number }>('SELECT count(*) AS n FROM tool_calls')!.n).toBe(0);
      const store = new MessageStore(db);
      const tip = db.get<{ tip_message_hash: string }>('SELECT tip_message_hash FROM threads WHERE id = ?', [FIXTURE_THREAD_ID])!.tip_message_hash;
      const chain = store.chain(tip);
      // Every message, the fixture's and ours, re-hashes to its key from what is stored (attachments from their bytes).
      for (const message of chain) expect(messageHash({ role: message.role, parts: message.parts.map((p) => p.part) }, message.parentHash)).toBe(message.hash);
      // The rows as 0.32's _write_part leaves them (compare the fixture's own tool_call, tool_result and attachment parts).
      const newParts = db.all<{ type: string; tool_name: string | null; text: string | null; payload: string | null }>(
        `SELECT [type], [tool_name], [text], [payload] FROM [parts] WHERE [message_hash] IN (${chain.slice(-14).map(() => '?').join(', ')}) AND [type] != 'text' ORDER BY [id]`,
        chain.slice(-14).map((m) => m.hash),
      );
      const png64 = createHash('sha256').update(png()).digest('hex');
      expect(newParts).toEqual([
        { type: 'attachment', tool_name: null, text: null, payload: `{"attachment": {"id": "${png64}"}}` },
        { type: 'tool_call', tool_name: 'llm_version', text: null, payload: '{"name": "llm_version", "arguments": {}, "tool_call_id": "call_v"}' },
        { type: 'tool_result', tool_name: 'llm_version', text: null, payload: expect.stringMatching(/^\{"name": "llm_version", "output": "\d+\.\d+\.\d+[^"]*", "tool_call_id": "call_v"\}$/) },
        { type: 'tool_call', tool_name: 'draw', text: null, payload: '{"name": "draw", "arguments": {}, "tool_call_id": "call_d"}' },
        { type: 'tool_result', tool_name: 'draw', text: null, payload: '{"name": "draw", "output": "drawn", "tool_call_id": "call_d"}' },
        { type: 'attachment', tool_name: null, text: null, payload: `{"attachment": {"id": "${png64}"}}` },
      ]);
      expect(db.all('SELECT a.[id], a.[type], a.[path] FROM [part_attachments] pa JOIN [attachments] a ON a.[id] = pa.[attachment_id] WHERE a.[id] = ?', [png64])).toEqual(
        // The -a image and the tool's: one attachment row, linked from both parts.
        Array(2).fill({ id: png64, type: 'image/png', path: join(dir.path, 'dot.png') }),
      );
      // Both turns of the chain were offered the tool (turn_tools), as 0.32 records it.
      expect(db.all("SELECT count(*) AS n FROM [turn_tools] JOIN [tools] ON [tools].[id] = [turn_tools].[tool_id] WHERE [tools].[name] = 'llm_version'")).toEqual([{ n: 2 }]);
    } finally {
      db.close();
    }
    // The Python llm 0.32's own code re-derives every hash and reads the thread, where it can run.
    if (PYTHON_LLM_RUNNABLE) {
      const checked = pythonLlm032Check(path);
      expect(checked).toContain('verify(): every message hashes to its key');
      expect(checked).toContain(`llm -c continues ${FIXTURE_THREAD_ID} with 22 messages:`);
      expect(checked).toContain(
        [
          "  user: [('text', 'And this one?'), ('attachment', None)]",
          "  assistant: [('text', 'An orange dot.')]",
          "  user: [('text', 'Which llm version?')]",
          "  assistant: [('tool_call', None)]",
          "  tool: [('tool_result', None)]",
          "  assistant: [('text', 'That is the version.')]",
          "  user: [('text', 'Draw it')]",
          "  assistant: [('tool_call', None)]",
          "  tool: [('tool_result', None)]",
          "  user: [('attachment', None)]",
          "  assistant: [('text', 'Drawn.')]",
          "  user: [('text', 'Thanks')]",
          "  assistant: [('text', 'You are welcome.')]\n",
        ].join('\n'),
      );
      // Its llm logs shows the new turns' attachment, tools, call and result.
      expect(checked).toContain('### Tool calls\n\n- **llm_version**: `call_v`');
      expect(checked).toContain(`1. **image/png**: \`${join(dir.path, 'dot.png')}\``);
    }
  });

  it("stores the reply's raw payload condensed against the turn's messages, as 0.32 does, and llm logs --json resolves it", async () => {
    const long = 'In Rome, carry a light jacket for the evening and comfortable shoes for the cobbles.';
    server.reply(textReply(long));
    expect(await openai(['-c', '-m', '4o-mini', 'And for Rome?'])).toMatchObject({ code: 0, stdout: `${long}\n` });
    const path = join(dir.path, 'logs.db');
    const db = native!.open(path, { busyTimeoutMs: 1000 });
    let stored: string;
    try {
      stored = db.get<{ response_json: string }>('SELECT response_json FROM turns ORDER BY id DESC LIMIT 1')!.response_json;
    } finally {
      db.close();
    }
    // The text is a reference to the reply's first part, not a second copy; the envelope stays.
    expect(stored).not.toContain('cobbles');
    expect(JSON.parse(stored)).toMatchObject({ content: { $: '0.0.text' }, model: 'gpt-4o-mini', finish_reason: 'stop' });
    const newest = JSON.parse((await run(['logs', '-n', '1', '--json'])).stdout)[0] as { id: string; response_json: Record<string, unknown> };
    expect(newest.response_json).toEqual({ ...JSON.parse(stored), content: long });
    // The Python llm 0.32's own LogStore.turn_response_json resolves it to the same payload, where it can run.
    if (PYTHON_LLM_RUNNABLE) expect(pythonLlm032Check(path)).toContain(`turn_response_json(${newest.id}): ${pythonJsonDumps(newest.response_json)}`);
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
