import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOpenAIServer, textReply, type FakeRequest } from '../helpers/fake-openai-server.js';
import { cliEnv, cliPath, collect, repoRoot, runCli, startCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { png } from '../helpers/media.js';
import { PYTHON_LLM_RUNNABLE, pythonLlmLogs } from '../helpers/python-llm-032.js';
import { tempDir } from '../helpers/temp-dir.js';
import { toolCallsReply } from '../helpers/tool-replies.js';

// Tools end to end: the built CLI as a child process, the echo model offline and the fake OpenAI
// server over real HTTP, and the tool tables of a real logs.db.

const engines = await availableEngines();
const ptyRun = join(repoRoot, 'test', 'helpers', 'pty-run.py');
const native = engines.find((e) => e.kind === 'file');

let dir: ReturnType<typeof tempDir>;
let server: FakeOpenAIServer;
beforeEach(async () => {
  dir = tempDir('llm-tools-');
  server = await FakeOpenAIServer.start();
});
afterEach(async () => {
  await server.close();
  dir.remove();
});

const run = (args: string[], extra: { env?: Record<string, string>; input?: string } = {}) =>
  runCli(args, dir.path, { env: { OPENAI_API_KEY: 'sk-test-tools', OPENAI_BASE_URL: server.baseUrl, ...extra.env }, input: extra.input });

/** Row counts of the tool tables. */
const counts = (path = join(dir.path, 'logs.db')) => {
  const db = openDatabase(native ?? engines[0]!, path);
  try {
    const count = (table: string) => Number(db.get<{ n: number }>(`SELECT count(*) AS n FROM [${table}]`)!.n);
    return {
      responses: count('responses'),
      conversations: count('conversations'),
      tools: count('tools'),
      tool_responses: count('tool_responses'),
      tool_calls: count('tool_calls'),
      tool_results: count('tool_results'),
      tool_instances: count('tool_instances'),
    };
  } finally {
    db.close();
  }
};

/** How many rows of the tool tables point at each tool (its `tools` row included), by tool name. */
const rowsPerTool = (path = join(dir.path, 'logs.db')) => {
  const db = openDatabase(native ?? engines[0]!, path);
  try {
    const rows = db.all<{ name: string; n: number }>(
      `SELECT [tools].[name] AS name, 1
         + (SELECT count(*) FROM [tool_responses] WHERE [tool_id] = [tools].[id])
         + (SELECT count(*) FROM [tool_calls] WHERE [tool_id] = [tools].[id])
         + (SELECT count(*) FROM [tool_results] WHERE [tool_id] = [tools].[id]) AS n
       FROM [tools] ORDER BY [tools].[id]`,
    );
    return Object.fromEntries(rows.map((row) => [row.name, Number(row.n)]));
  } finally {
    db.close();
  }
};

const echoCall = (prompt: string, calls: { name: string; arguments?: unknown }[]) => JSON.stringify({ prompt, tool_calls: calls });

describe('the echo model (offline)', () => {
  it('-T llm_time runs the tool and sends its result back; --td shows the call on stderr', async () => {
    const result = await run(['-m', 'echo', '-T', 'llm_time', '--td', echoCall('What time is it?', [{ name: 'llm_time', arguments: {} }])]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Turn 1\nPrompt: What time is it\?\nTurn 2\nTool result llm_time \(echo_1_1\): \{"utc_time":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"/);
    expect(result.stderr).toContain('Tool call: llm_time({})');
    expect(result.stderr).toMatch(/"timezone_offset": "UTC[+-]\d\d:\d\d"/);
    expect(counts()).toMatchObject({ responses: 2, conversations: 1, tools: 1, tool_responses: 2, tool_calls: 1, tool_results: 1 });
  });

  it('--ta asks at a real terminal before each call: y runs the tool, n refuses it and the model is told', async () => {
    // A real pseudo-terminal (python3's pty module) runs the CLI and types the answers.
    const prompt = echoCall('Time twice?', [{ name: 'llm_time', arguments: {} }, { name: 'llm_time', arguments: {} }]);
    const child = spawn('python3', [ptyRun, JSON.stringify([['[y/N]: ', 'y'], ['[y/N]: ', 'n']]), process.execPath, cliPath, '-m', 'echo', '-T', 'llm_time', '--ta', prompt], {
      env: cliEnv(dir.path),
      cwd: dir.path,
    });
    child.stdin!.end();
    const result = await collect(child);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // What the terminal showed, without readline's cursor moves and with plain newlines.
    const shown = result.stdout.replace(/\x1b\[\d*[A-Za-z]/g, '').replace(/\r+\n/g, '\n');
    expect(shown).not.toContain('[pty-run: never asked');
    // Both calls were shown and asked about, one after the other.
    expect(shown).toContain('Tool call: llm_time({})\nApprove tool call? [y/N]: y\nTool call: llm_time({})\nApprove tool call? [y/N]: n\n');
    // The model received the first call's result and, for the second, that the user refused it.
    expect(shown).toMatch(/Tool result llm_time \(echo_1_1\): \{"utc_time":"\d{4}-\d\d-\d\d/);
    expect(shown).toContain('Tool result llm_time (echo_1_2): Cancelled: User cancelled tool call');
    const logs = JSON.parse((await run(['logs', '--json', '-n', '1'])).stdout) as { tool_results: { output: string; exception: string | null }[] }[];
    expect(logs[0]!.tool_results.map((r) => [r.output.slice(0, 13), r.exception])).toEqual([
      ['{"utc_time":"', null],
      ['Cancelled: Us', 'CancelToolCall: User cancelled tool call'],
    ]);
  });

  it('Ctrl-C while a tool runs stops the chain at once: exit 130, and the log keeps the reply that asked for it', async () => {
    // The tool says on stderr that it started, then waits for a file that never appears.
    const release = join(dir.path, 'release');
    const code = `import { existsSync } from 'node:fs';
      export function wait_for_release() {
        process.stderr.write('tool started\\n');
        return new Promise((resolve) => setInterval(() => existsSync(${JSON.stringify(release)}) && resolve('released'), 20));
      }`;
    const child = startCli(['-m', 'echo', '--functions', code, echoCall('Wait', [{ name: 'wait_for_release' }])], dir.path);
    let interrupted = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      if (!interrupted && chunk.toString().includes('tool started')) interrupted = child.kill('SIGINT');
    });
    const result = await collect(child);
    expect(interrupted).toBe(true);
    expect(result).toMatchObject({ code: 130, stderr: 'tool started\nError: Aborted.\n' });
    expect(result.stdout).toBe('Turn 1\nPrompt: Wait\n');
    // One responses row per model reply: the first reply, with the call it asked for, is logged;
    // the chain stopped before a second reply, so no tool result was sent or logged.
    expect(counts()).toEqual({ responses: 1, conversations: 1, tools: 1, tool_responses: 1, tool_calls: 1, tool_results: 0, tool_instances: 0 });
    const db = openDatabase(native ?? engines[0]!, join(dir.path, 'logs.db'));
    try {
      expect(db.get<{ integrity_check: string }>('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
      expect(db.all('SELECT [name] FROM [tool_calls] WHERE [response_id] IN (SELECT [id] FROM [responses])')).toEqual([{ name: 'wait_for_release' }]);
    } finally {
      db.close();
    }
  });

  it('a prompt exits once its reply is printed and logged, even when a tool left a timer running', async () => {
    // Without the exit after a prompt this interval would keep the process alive forever.
    const code = `export function start_ticker() { setInterval(() => {}, 1000); return 'ticking'; }`;
    const result = await run(['-m', 'echo', '--functions', code, echoCall('Tick', [{ name: 'start_ticker' }])]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('ticking');
    expect(counts()).toMatchObject({ responses: 2, tool_calls: 1, tool_results: 1 });
  });

  it('without -T no tool runs, even when the prompt asks for one', async () => {
    const result = await run(['-m', 'echo', echoCall('hi', [{ name: 'llm_time' }])]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Turn 1\nPrompt: hi\n');
    expect(counts()).toMatchObject({ responses: 1, tool_calls: 0, tool_results: 0 });
  });

  it('an unknown tool, invalid arguments and a tool that throws become results the model sees', async () => {
    const code = 'export function fails() { throw new Error("the disk is on fire"); }';
    const result = await run([
      '-m', 'echo', '-T', 'llm_version', '--functions', code, '--td',
      echoCall('go', [{ name: 'no_such_tool' }, { name: 'llm_version', arguments: { extra: 1 } }, { name: 'fails' }, { name: 'llm_version', arguments: 'not an object' }]),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Tool result no_such_tool (echo_1_1): Error: tool "no_such_tool" does not exist');
    expect(result.stdout).toContain("Tool result fails (echo_1_3): Error: the disk is on fire");
    expect(result.stdout).toContain('Tool result llm_version (echo_1_4): Error: invalid arguments for llm_version: (root) must be object');
    // llm_version's schema has no properties, but allows extra ones (as the Python llm's does).
    expect(result.stdout).toMatch(/Tool result llm_version \(echo_1_2\): \d+\.\d+\.\d+/);
    expect(result.stderr).toContain('Exception: the disk is on fire');
    const logs = JSON.parse((await run(['logs', '--json', '-n', '1'])).stdout) as { tool_results: { name: string; exception: string | null }[] }[];
    expect(logs[0]!.tool_results.map((r) => [r.name, r.exception])).toEqual([
      ['no_such_tool', 'ToolCallError: tool "no_such_tool" does not exist'],
      ['llm_version', null],
      ['fails', 'Error: the disk is on fire'],
      ['llm_version', 'ToolCallError: invalid arguments for llm_version: (root) must be object (got "not an object")'],
    ]);
  });

  it('stops at the chain limit with a clear error', async () => {
    // The echo model calls the tool in every reply whose prompt asks for it: a prompt of tool results never does,
    // so a limit of 1 stops before the results go back.
    const result = await run(['-m', 'echo', '-T', 'llm_time', '--chain-limit', '1', echoCall('again', [{ name: 'llm_time' }])]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: The model was still calling tools after 1 replies \(the chain limit\)\. Raise it with --chain-limit N/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--functions takes a file: exported functions, JSDoc descriptions, parameter names or an exported schema', async () => {
    const file = join(dir.path, 'functions.ts');
    writeFileSync(
      file,
      `/** Multiply two numbers */
export function multiply(a: string, b: string): number {
  return Number(a) * Number(b);
}

/** Greet someone */
export const greet = ({ name, times }: { name: string; times: number }) => \`hello \${name} \`.repeat(times).trim();
greet.schema = { type: 'object', properties: { name: { type: 'string' }, times: { type: 'integer' } }, required: ['name', 'times'] };
`,
    );
    const listed = JSON.parse((await run(['tools', '--json', '--functions', file])).stdout) as { tools: { name: string; description: string; arguments: object }[] };
    expect(listed.tools.find((t) => t.name === 'multiply')).toEqual({
      name: 'multiply',
      description: 'Multiply two numbers',
      arguments: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a', 'b'] },
      plugin: null,
    });
    expect(listed.tools.find((t) => t.name === 'greet')?.description).toBe('Greet someone');
    const result = await run(['-m', 'echo', '--functions', file, echoCall('', [{ name: 'multiply', arguments: { a: '6', b: '7' } }, { name: 'greet', arguments: { name: 'Ada', times: 2 } }])]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Tool result multiply (echo_1_1): 42');
    expect(result.stdout).toContain('Tool result greet (echo_1_2): hello Ada hello Ada');
  });

  it('-c continues a conversation with its tool history', async () => {
    await run(['-m', 'echo', '-T', 'llm_version', echoCall('version?', [{ name: 'llm_version' }])]);
    const next = await run(['-c', 'thanks']);
    expect(next.code).toBe(0);
    expect(next.stdout).toBe('Turn 3\nPrompt: thanks\n');
  });
});

describe('chat and templates', () => {
  it('llm chat -T runs tools in every turn', async () => {
    const line = echoCall('time?', [{ name: 'llm_time' }]);
    const result = await run(['chat', '-m', 'echo', '-T', 'llm_time'], { input: `${line}\nexit\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/> Turn 1\nPrompt: time\?\nTurn 2\nTool result llm_time \(echo_1_1\): \{"utc_time"/);
    expect(counts()).toMatchObject({ responses: 2, tool_calls: 1, tool_results: 1 });
  });

  it("a template's tools: and functions: are named by choosing the template; --save stores -T and --functions", async () => {
    const saved = await run(['-m', 'echo', '-T', 'llm_version', '--functions', 'export function double(n) { return String(Number(n) * 2); }', '--save', 'kit', '$input']);
    expect(saved.code).toBe(0);
    const shown = (await run(['templates', 'show', 'kit'])).stdout;
    expect(shown).toMatch(/^tools:\n +- llm_version\n/m);
    expect(shown).toContain('functions: export function double(n)');
    const result = await run(['-t', 'kit', echoCall('go', [{ name: 'double', arguments: { n: '21' } }, { name: 'llm_version' }])]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Tool result double (echo_1_1): 42');
    expect(result.stdout).toMatch(/Tool result llm_version \(echo_1_2\): \d+\.\d+/);
  });
});

describe('usage errors', () => {
  it('-T with a model that cannot call tools, an unknown tool, and --ta without a terminal', async () => {
    writeFileSync(join(dir.path, 'extra-openai-models.yaml'), '- model_id: plain\n  model_name: plain\n');
    const plain = await run(['-m', 'plain', '-T', 'llm_time', 'hi']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe("Error: Model 'plain' does not support tools. Pick one that does with -m ('llm models --options' lists each model's features).\n");
    const unknown = await run(['-m', 'echo', '-T', 'llm_tme', 'hi']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("Error: Unknown tool 'llm_tme'. Available: llm_version, llm_time (see 'llm tools').\n");
    const approve = await run(['-m', 'echo', '-T', 'llm_time', '--ta', 'hi']);
    expect(approve.code).toBe(2);
    expect(approve.stderr).toMatch(/^Error: --ta asks before each tool call, which needs a terminal/);
    expect(server.requests).toEqual([]);
  });
});

describe('the OpenAI plugin against the fake server', () => {
  it('runs a two-tool, two-round chain, streamed, and logs it in the tool tables', async () => {
    const rounds: FakeRequest[] = [];
    server.handle((request) => {
      rounds.push(request);
      if (rounds.length === 1) {
        return toolCallsReply(request, [
          { id: 'call_v', name: 'llm_version', arguments: '{}' },
          { id: 'call_t', name: 'llm_time', arguments: '{ }' },
        ]);
      }
      return textReply('It is late, and llm is up to date.');
    });
    const result = await run(['-m', '4o-mini', '-T', 'llm_version', '-T', 'llm_time', 'What version and time?']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('It is late, and llm is up to date.\n');
    expect(server.problems).toEqual([]);
    const [first, second] = server.chatBodies;
    expect(first.stream).toBe(true);
    expect(first.tool_choice).toBe('auto');
    expect(first.tools).toEqual([
      { type: 'function', function: { name: 'llm_version', description: 'Return the installed version of llm', parameters: { type: 'object', properties: {} } } },
      { type: 'function', function: { name: 'llm_time', description: 'Returns the current time, as local time and UTC', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(second.messages.slice(0, 2)).toEqual([
      { role: 'user', content: 'What version and time?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_v', type: 'function', function: { name: 'llm_version', arguments: '{}' } },
          { id: 'call_t', type: 'function', function: { name: 'llm_time', arguments: '{}' } },
        ],
      },
    ]);
    expect(second.messages[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_v', content: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(second.messages[3]).toMatchObject({ role: 'tool', tool_call_id: 'call_t', content: expect.stringContaining('"utc_time"') });
    expect(second.messages).toHaveLength(4);
    // The issue asks for "five rows in the tool tables" for this exchange. The Python llm 0.31's
    // log_to_db (llm/models.py at 5ce40fd) writes, for each tool of a chain whose two replies both
    // offered it: one `tools` row, one `tool_responses` link per reply (its chain passes the tools
    // on to every prompt), one `tool_calls` row on the first reply and one `tool_results` row on the
    // second: five rows per tool. With the two tools that is ten in all, which is what we
    // write: five for each tool, and 0.31's totals.
    expect(counts()).toEqual({ responses: 2, conversations: 1, tools: 2, tool_responses: 4, tool_calls: 2, tool_results: 2, tool_instances: 0 });
    expect(rowsPerTool()).toEqual({ llm_version: 5, llm_time: 5 });

    const logs = JSON.parse((await run(['logs', '--json', '-n', '2'])).stdout) as Record<string, any>[];
    expect(logs[0]!.conversation_id).toBe(logs[1]!.conversation_id);
    expect(logs[0]!.tool_calls.map((c: { name: string; arguments: unknown; tool_call_id: string }) => [c.name, c.arguments, c.tool_call_id])).toEqual([
      ['llm_version', {}, 'call_v'],
      ['llm_time', {}, 'call_t'],
    ]);
    expect(logs[1]!.prompt).toBe('');
    expect(logs[1]!.tool_results.map((r: { tool_call_id: string }) => r.tool_call_id)).toEqual(['call_v', 'call_t']);
    const markdown = (await run(['logs', '-n', '2'])).stdout;
    expect(markdown).toContain('### Tool calls\n\n- **llm_version**: `call_v`');
    expect(markdown).toContain('### Tool results\n\n- **llm_version**: `call_v`');
    expect(markdown).toMatch(/### Tools\n\n- \*\*llm_version\*\*: `[0-9a-f]{64}`/);

    // -c sends the whole exchange again, tool calls and results included.
    server.handle(() => textReply('You are welcome.'));
    await run(['-c', 'Thanks']);
    const third = server.chatBodies[2];
    expect(third.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant', 'user']);
    expect(third.tools).toBeUndefined();
    expect(server.problems).toEqual([]);
  });

  it('a tool that returns a ToolOutput sends its attachment with the next prompt and logs it in tool_results_attachments', async () => {
    writeFileSync(join(dir.path, 'chart.png'), png());
    const code = `import { Attachment, ToolOutput } from 'llm-host';
      export function draw_chart() {
        return new ToolOutput({ output: 'Here is the chart', attachments: [Attachment.fromPath(${JSON.stringify(join(dir.path, 'chart.png'))})] });
      }`;
    let round = 0;
    server.handle((request) => (++round === 1 ? toolCallsReply(request, [{ id: 'c1', name: 'draw_chart', arguments: '{}' }]) : textReply('An orange square.')));
    const result = await run(['-m', '4o-mini', '--functions', code, 'Draw a chart and describe it']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('An orange square.\n');
    expect(server.problems).toEqual([]);
    // The Python llm 0.31's chain puts the tools' attachments on the next prompt: a user message after the tool message.
    const second = server.chatBodies[1];
    expect(second.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'Here is the chart' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png().toString('base64')}` } }] },
    ]);
    const db = openDatabase(native ?? engines[0]!, join(dir.path, 'logs.db'));
    try {
      expect(db.all('SELECT r.[name], r.[output], a.[type], a.[path], tra.[order] FROM [tool_results_attachments] tra JOIN [tool_results] r ON r.[id] = tra.[tool_result_id] JOIN [attachments] a ON a.[id] = tra.[attachment_id]')).toEqual([
        { name: 'draw_chart', output: 'Here is the chart', type: 'image/png', path: join(dir.path, 'chart.png'), order: 0 },
      ]);
    } finally {
      db.close();
    }
    const logs = JSON.parse((await run(['logs', '--json', '-n', '1'])).stdout) as { tool_results: { attachments: { type: string; path: string }[] }[] }[];
    expect(logs[0]!.tool_results[0]!.attachments).toMatchObject([{ type: 'image/png', path: join(dir.path, 'chart.png') }]);
    expect((await run(['logs', '-n', '1'])).stdout).toContain(`\n    - image/png: ${join(dir.path, 'chart.png')}\n`);
    // The Python llm 0.31's own llm logs reads the tool tables written here, attachment included.
    if (PYTHON_LLM_RUNNABLE) {
      const python = JSON.parse(pythonLlmLogs('5ce40fd', join(dir.path, 'logs.db'), ['-n', '2', '--json'])) as Record<string, any>[];
      expect(python[0]!.tool_calls).toMatchObject([{ name: 'draw_chart', arguments: {}, tool_call_id: 'c1' }]);
      expect(python[1]!.tool_results).toMatchObject([{ name: 'draw_chart', output: 'Here is the chart', tool_call_id: 'c1', attachments: [{ type: 'image/png', path: join(dir.path, 'chart.png') }] }]);
    }
  });

  it('sends the tool messages back without streaming too', async () => {
    let round = 0;
    server.handle((request) => (++round === 1 ? toolCallsReply(request, [{ id: 'c1', name: 'llm_version', arguments: '{}' }]) : textReply('done')));
    const result = await run(['-m', '4o-mini', '--no-stream', '-T', 'llm_version', 'version?']);
    expect(result.stdout).toBe('done\n');
    expect(server.chatBodies[1].messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'c1' });
    expect(server.problems).toEqual([]);
  });
});
