import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorReply, FakeOpenAIServer, textReply } from '../helpers/fake-openai-server.js';
import { TEST_KEY } from '../helpers/openai-host.js';
import { cliEnv, cliPath, collect, runCli, startCli, type RunOptions } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// The built CLI (npm test builds first) against the fake OpenAI server, through OPENAI_BASE_URL.

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir('llm-e2e-openai-');
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

const env = (extra: Record<string, string | undefined> = {}) => ({
  OPENAI_API_KEY: TEST_KEY,
  OPENAI_BASE_URL: server.baseUrl,
  LLM_OPENAI_RETRY_DELAY: '0.001',
  ...extra,
});
const run = (args: string[], options: RunOptions = {}) => runCli(args, dir.path, { ...options, env: env(options.env) });

const expectOneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('llm prompt with OpenAI models', () => {
  it('streams the reply, with the system prompt, options and token usage', async () => {
    server.reply(textReply('Pelicans are large 🐦 water birds.', { usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 } }));
    const result = await run(['-m', '4o-mini', '-s', 'Be brief', '-o', 'temperature', '0.2', '-u', 'What is a pelican?']);
    expect(result).toMatchObject({ code: 0, stdout: 'Pelicans are large 🐦 water birds.\n', stderr: 'Token usage: 9 input, 7 output\n' });
    expect(server.chatBodies[0]).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'What is a pelican?' },
      ],
      temperature: 0.2,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('uses the default model, and a plain request with --no-stream', async () => {
    const result = await run(['--no-stream', 'hello', 'there']);
    expect(result).toMatchObject({ code: 0, stdout: 'You said: hello there\n', stderr: '' });
    expect(server.chatBodies[0]).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] });
  });

  it('asks for JSON with --schema and checks the reply against it', async () => {
    server.reply(textReply('{"name": "Rex", "age": 3, "bio": "A good dog."}'));
    const ok = await run(['--schema', 'name, age int, bio: a short bio', 'Invent a dog']);
    expect(ok).toMatchObject({ code: 0, stdout: '{"name": "Rex", "age": 3, "bio": "A good dog."}\n', stderr: '' });
    expect(server.chatBodies[0].response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'output',
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: 'integer' }, bio: { type: 'string', description: 'a short bio' } },
          required: ['name', 'age', 'bio'],
        },
      },
    });

    writeFileSync(join(dir.path, 'dog.json'), JSON.stringify({ type: 'object', properties: { age: { type: 'integer', minimum: 0 } }, required: ['age', 'name'] }));
    server.reply(textReply('{"age": -1}'));
    const bad = await run(['-m', '4o', '--schema', 'dog.json', 'Invent a dog']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('{"age": -1}\n');
    expect(bad.stderr).toBe("Error: The reply from gpt-4o does not match the schema: (root) is missing required property 'name'; /age must be >= 0 (got -1)\n");

    const unsupported = await run(['-m', 'echo', '--schema', 'name', 'hi']);
    expect(unsupported).toMatchObject({ code: 2, stdout: '' });
    expect(unsupported.stderr).toBe("Error: Model 'echo' does not support --schema. Pick a model that does ('llm models --options' lists its features).\n");
    const invalid = await run(['--schema', 'age integr', 'hi']);
    expect(invalid.code).toBe(2);
    expectOneLine(invalid.stderr);
    expect(server.requests).toHaveLength(2);
  });

  it('sends the earlier turns in llm chat', async () => {
    const result = await run(['chat', '-m', '4o', '-s', 'Be brief'], { input: 'one\ntwo\nexit\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('> You said: one\n> You said: two\n> ');
    expect(server.chatBodies[1].messages).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'You said: one' },
      { role: 'user', content: 'two' },
    ]);
  });

  it('stops on Ctrl-C while the reply streams', async () => {
    server.reply(textReply(['first ', 'second ', 'third ', 'fourth'], { delayMs: 300 }));
    const child = startCli(['-m', '4o', 'count slowly'], dir.path, { env: env() });
    child.stdout!.once('data', () => child.kill('SIGINT'));
    const result = await collect(child);
    expect(result).toMatchObject({ code: 130, stderr: 'Error: Aborted.\n' });
    expect(result.stdout).toMatch(/^first [a-z ]*\n$/); // the partial answer ends its line
    expect(result.stdout).not.toContain('fourth');
    expect(server.requests).toHaveLength(1);
  });
});

describe('errors: one line, with the fix (every message is checked exactly in test/unit/openai-http.test.ts)', () => {
  it.each([
    ['no key', [], { OPENAI_API_KEY: undefined }, /^Error: No key found for model 'gpt-4o-mini': add one with 'llm keys set openai' or set the OPENAI_API_KEY environment variable, or pass --key\.\n$/],
    ['401', [errorReply(401, 'Incorrect API key provided.')], {}, /rejected the API key \(401 Unauthorized: Incorrect API key provided\)\. Set a valid key with 'llm keys set openai'/],
    ['429', [errorReply(429, 'Rate limited.'), errorReply(429, 'Rate limited.')], { LLM_OPENAI_MAX_ATTEMPTS: '2' }, /is rate limiting requests \(429 Too Many Requests: Rate limited\) \(gave up after 2 attempts\)\. Wait a little and try again\.\n$/],
    ['cut stream', [textReply(['partial ', 'reply ', 'lost'], { cutAfter: 3 })], {}, /closed before the reply was complete after 14 characters\. Try again\.\n$/],
  ])('%s', async (_name, replies, extra, message) => {
    server.reply(...replies);
    const result = await run(['hi'], { env: extra as Record<string, string | undefined> });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expectOneLine(result.stderr);
  });

  describe('a cut stream: the partial answer ends its line before the error', () => {
    const cut = () => textReply(['partial ', 'reply ', 'lost'], { cutAfter: 3 });
    const error = /^Error: .* closed before the reply was complete after 14 characters\. Try again\.$/;

    it('in a pipe, for llm prompt and llm chat', async () => {
      server.reply(cut());
      const prompt = await run(['hi']);
      expect(prompt).toMatchObject({ code: 1, stdout: 'partial reply \n' });
      expect(prompt.stderr.trimEnd()).toMatch(error);
      server.reply(cut());
      const chat = await run(['chat'], { input: 'hi\n' });
      expect(chat.code).toBe(1);
      expect(chat.stdout.endsWith('> partial reply \n')).toBe(true);
      expect(chat.stderr.trimEnd()).toMatch(error);
    });

    it('at a terminal, where stdout and stderr share the screen', async () => {
      server.reply(cut());
      // script(1) gives the CLI a real pseudo-terminal (which turns \n into \r\n).
      const child = spawn('script', ['-qec', `${process.execPath} ${cliPath} hi`, '/dev/null'], { env: cliEnv(dir.path, env()), stdio: ['pipe', 'pipe', 'pipe'] });
      const result = await collect(child);
      const lines = result.stdout.split('\r\n');
      expect(lines[0]).toBe('partial reply ');
      expect(lines[1]).toMatch(error);
      expect(lines.slice(2).join('')).toBe('');
    });
  });

  it('a refused connection names the URL', async () => {
    const closed = await FakeOpenAIServer.start();
    await closed.close();
    const result = await run(['hi'], { env: { OPENAI_BASE_URL: closed.baseUrl } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: Could not connect to ${closed.url}: connection refused. Is the server running, and is the base URL right (OPENAI_BASE_URL, or api_base in extra-openai-models.yaml)?\n`,
    );
  });
});

describe('configuration', () => {
  it('reads retry settings from the config file, the environment winning', async () => {
    writeFileSync(join(dir.path, '.llmrc.json'), JSON.stringify({ defaultPlugins: { openai: { maxAttempts: 1, colour: 'red' } } }));
    server.handle(() => errorReply(500, 'Down.'));
    const once = await run(['hi']);
    expect(once.code).toBe(1);
    expect(once.stderr).toMatch(/^Warning: unknown option 'colour' for the openai plugin \(known: timeout, connectTimeout, maxAttempts, retryDelay, maxRetryDelay\); ignoring it\nError: .* failed with 500 Internal Server Error: Down\. Try again later\.\n$/);
    expect(server.requests).toHaveLength(1);
    await run(['hi'], { env: { LLM_OPENAI_MAX_ATTEMPTS: '2' } });
    expect(server.requests).toHaveLength(3);
  });

  it('sends a key without the newline around it, from the environment, keys.json or --key', async () => {
    expect(await run(['hi'], { env: { OPENAI_API_KEY: `${TEST_KEY}\n` } })).toMatchObject({ code: 0, stdout: 'You said: hi\n', stderr: '' });
    writeFileSync(join(dir.path, 'keys.json'), JSON.stringify({ openai: ` ${TEST_KEY}\r\n` }));
    expect(await run(['hi'], { env: { OPENAI_API_KEY: undefined } })).toMatchObject({ code: 0, stderr: '' });
    expect(await run(['--key', `${TEST_KEY}\n`, 'hi'], { env: { OPENAI_API_KEY: undefined } })).toMatchObject({ code: 0, stderr: '' });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill(`Bearer ${TEST_KEY}`));
  });

  it('adds compatible models from extra-openai-models.yaml, with no key needed', async () => {
    writeFileSync(
      join(dir.path, 'extra-openai-models.yaml'),
      `- model_id: local-llama\n  model_name: llama3.2\n  api_base: ${server.baseUrl}\n  aliases: [ll]\n`,
    );
    const models = await run(['models']);
    expect(models.stdout).toContain('OpenAI Chat: local-llama (aliases: ll)\n');
    const result = await run(['-m', 'll', 'hi'], { env: { OPENAI_API_KEY: undefined } });
    expect(result).toMatchObject({ code: 0, stdout: 'You said: hi\n', stderr: '' });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.chatBodies[0].model).toBe('llama3.2');
  });
});

describe('llm openai models', () => {
  it('lists what the server reports at /v1/models, as a table or JSON', async () => {
    const table = await run(['openai', 'models']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toBe(
      [
        'id           owned_by  created',
        'gpt-4o-mini  system    2024-07-16T23:32:21.000Z',
        'gpt-4o       system    2024-05-10T18:50:49.000Z',
        'o3           system    2025-04-09T19:01:48.000Z',
        '',
      ].join('\n'),
    );
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models', headers: { authorization: `Bearer ${TEST_KEY}` } });
    const json = await run(['openai', 'models', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(server.models);
  });

  it('asks the server of another model with -m, and explains a missing key', async () => {
    writeFileSync(join(dir.path, 'extra-openai-models.yaml'), `- model_id: local\n  api_base: ${server.url}/local/v1\n`);
    server.models = [{ id: 'llama3.2', object: 'model', created: 0, owned_by: 'library' }];
    expect((await run(['openai', 'models', '-m', 'local'], { env: { OPENAI_API_KEY: undefined } })).stdout).toContain('llama3.2  library');
    expect(server.requests[0]!.path).toBe('/local/v1/models');
    const noKey = await run(['openai', 'models'], { env: { OPENAI_API_KEY: undefined } });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toBe(
      `Error: No key found for ${server.baseUrl}: add one with 'llm keys set openai' or set the OPENAI_API_KEY environment variable, or pass --key.\n`,
    );
    const help = await run(['openai', 'models', '--help']);
    expect(help.stdout).toMatch(/--json[\s\S]*-m, --model=MODEL/);
    expect((await run(['--help'])).stdout).toMatch(/openai models\s+List the models/);
  });
});

describe('the key never leaks', () => {
  it('appears on no output channel: stdout, stderr (with LLM_DEBUG stack traces) or what loggers receive', async () => {
    // A logger plugin that writes everything it is handed, as a log would store it.
    const dump = join(dir.path, 'logged.jsonl');
    writeFileSync(
      join(dir.path, 'dump-logger.mjs'),
      `import { appendFileSync } from 'node:fs';
export default { name: 'dump-logger', apply(hooks) {
  hooks.logResponse.tapPromise('dump-logger', async (response) => {
    const { prompt } = response;
    appendFileSync(${JSON.stringify(dump)}, JSON.stringify({ id: response.id, model: response.model, prompt: prompt.prompt, system: prompt.system,
      options: prompt.options, schema: prompt.schema, text: await response.text(), usage: await response.usage(), json: response.responseJson,
      resolvedModel: response.resolvedModel, datetime: response.datetimeUtc, duration: response.durationMs }) + '\\n');
  });
} };
`,
    );
    writeFileSync(join(dir.path, '.llmrc.json'), JSON.stringify({ plugins: ['./dump-logger.mjs'] }));
    const outputs: string[] = [];
    const record = async (args: string[], extra: Record<string, string | undefined> = {}) => {
      const result = await run(args, { env: extra });
      outputs.push(result.stdout, result.stderr);
      return result;
    };
    server.reply(
      errorReply(401, `Incorrect API key provided: ${TEST_KEY}.`),
      errorReply(400, `Nope ${TEST_KEY}`),
      errorReply(500, `Broken ${TEST_KEY}`),
      { kind: 'stream', events: [`data: {"error": {"message": "failed for ${TEST_KEY}"}}\n\n`] },
      textReply('A fine answer', { model: `gpt-4o-mini-${TEST_KEY}` }),
      textReply('Another answer'),
    );
    for (const debug of [undefined, '1']) {
      await record(['-m', '4o-mini', 'hi'], { LLM_DEBUG: debug, LLM_OPENAI_MAX_ATTEMPTS: '1' });
      await record(['-m', '4o-mini', 'hi'], { LLM_DEBUG: debug, LLM_OPENAI_MAX_ATTEMPTS: '1' });
    }
    expect((await record(['-m', '4o-mini', '-u', 'hi'])).stdout).toBe('A fine answer\n');
    expect((await record(['-m', '4o-mini', '--key', TEST_KEY, '--no-stream', 'hi'], { OPENAI_API_KEY: undefined })).stdout).toBe('Another answer\n');
    await record(['openai', 'models', '--json'], { LLM_DEBUG: '1' });
    expect(server.requests.filter((r) => r.headers.authorization === `Bearer ${TEST_KEY}`)).toHaveLength(7);

    const logged = readFileSync(dump, 'utf8');
    expect(logged.trim().split('\n')).toHaveLength(2);
    expect(outputs.join('')).toContain('Error:');
    for (const text of [...outputs, logged]) {
      expect(text).not.toContain(TEST_KEY);
      expect(text).not.toContain(TEST_KEY.slice(3, 20));
    }
  });
});
