import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeNpmRegistry } from '../../../test/helpers/fake-npm-registry.js';
import { pdf, png } from '../../../test/helpers/media.js';
import { repoRoot, runCli } from '../../../test/helpers/run-cli.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { apiError, FakeAnthropicServer, message } from './fake-anthropic-server.js';

// The plugin as a user gets it: packed as its author would publish it, installed from the tarball
// with `llm plugins install` (its dependencies from a registry on loopback that mirrors
// package-lock.json, their tarballs from npm's cache: offline), then used through the CLI
// against the fake Messages API. One tarball and one install for the whole file.

const KEY = 'sk-ant-e2e-S3CRET-abcdef0123';
const pluginDir = join(repoRoot, 'plugins', 'anthropic');
const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();

let work: ReturnType<typeof tempDir>;
let registry: FakeNpmRegistry;
let server: FakeAnthropicServer;
let tarball: string;
let user: string;

const env = () => ({ npm_config_registry: registry.url, npm_config_cache: npmCache, npm_config_prefer_offline: 'true', npm_config_loglevel: 'error', ANTHROPIC_BASE_URL: server.baseUrl });
const llm = (args: string[], extra: Record<string, string> = {}) => runCli(args, user, { env: { ...env(), ...extra } });

beforeAll(async () => {
  work = tempDir('llm-anthropic-');
  user = join(work.path, 'user');
  mkdirSync(user);
  // `npm test` has just built the plugin's dist/ (the root build compiles plugins/*); skip prepack's second build.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work.path], { cwd: pluginDir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } }),
  ) as { filename: string }[];
  tarball = join(work.path, packed[0]!.filename);
  registry = await new FakeNpmRegistry([]).mirrorLockfile(join(repoRoot, 'package-lock.json')).start();
  server = await FakeAnthropicServer.start();
  const installed = await llm(['plugins', 'install', tarball]);
  expect(installed).toMatchObject({ code: 0, stderr: '', stdout: 'Installed llm-anthropic 0.1.0 (plugin anthropic; hooks: registerModels)\n' });
}, 300_000);

afterAll(async () => {
  await server?.close();
  await registry?.stop();
  work?.remove();
});

afterEach(() => expect(server.problems).toEqual([]));

describe('llm-anthropic installed from its tarball', () => {
  it('ships only its build, and imports nothing from llm but the package entry point', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files.every((file) => file === 'package/package.json' || file === 'package/README.md' || file.startsWith('package/dist/'))).toBe(true);
    const dist = join(user, 'plugins', 'node_modules', 'llm-anthropic', 'dist');
    const specifiers = new Set<string>();
    for (const file of readdirSync(dist).filter((name) => name.endsWith('.js'))) {
      for (const [, spec] of readFileSync(join(dist, file), 'utf8').matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) if (!spec!.startsWith('./')) specifiers.add(spec!);
    }
    expect([...specifiers].sort()).toEqual(['eventsource-parser', 'llm-host', 'node:http', 'node:timers/promises', 'undici']);
  });

  it('lists its models, runs a prompt with a stored key, continues it with -c, and logs usage with cache tokens', async () => {
    expect((await llm(['plugins'])).stdout).toBe(`anthropic 0.1.0 (installed from tarball ${tarball}) hooks: registerModels\n`);
    const models = await llm(['models']);
    expect(models.stdout).toContain('Anthropic Messages: anthropic/claude-sonnet-4-5 (aliases: claude-sonnet-4-5, claude-sonnet-4.5)\n');
    expect(models.stdout).toContain('Anthropic Messages: anthropic/claude-haiku-4-5-20251001 (aliases: claude-haiku-4-5-20251001, claude-haiku-4-5, claude-haiku-4.5, claude-haiku)\n');

    // No key yet: the one-line error says how to add one.
    const missing = await llm(['-m', 'claude-haiku', 'hi']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/^Error: .*llm keys set anthropic.*ANTHROPIC_API_KEY.*\n$/);
    expect(server.requests).toHaveLength(0);

    expect((await llm(['keys', 'set', 'anthropic', '--value', KEY])).code).toBe(0);
    server.reply(message('Hello from Claude', { usage: { input_tokens: 9, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048 } }));
    const first = await llm(['-m', 'claude-haiku', '-s', 'Be brief', '-o', 'max_tokens', '100', 'Say hello']);
    expect(first).toMatchObject({ code: 0, stdout: 'Hello from Claude\n', stderr: '' });
    expect(server.requests[0]!.headers['x-api-key']).toBe(KEY);
    expect(server.requests[0]!.body).toMatchObject({ model: 'claude-haiku-4-5-20251001', max_tokens: 100, system: 'Be brief', stream: true });

    const next = await llm(['-c', '--no-stream', 'And again']);
    expect(next).toMatchObject({ code: 0, stdout: 'You said: And again\n', stderr: '' });
    expect(server.requests[1]!.body).toMatchObject({
      model: 'claude-haiku-4-5-20251001',
      system: 'Be brief',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Say hello' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello from Claude' }] },
        { role: 'user', content: [{ type: 'text', text: 'And again' }] },
      ],
    });
    expect(server.requests[1]!.body.stream).toBeUndefined();

    const logs = JSON.parse((await llm(['logs', '--json', '-n', '2'])).stdout) as Record<string, any>[];
    const [older, newer] = logs;
    expect(older).toMatchObject({ model: 'anthropic/claude-haiku-4-5-20251001', prompt: 'Say hello', response: 'Hello from Claude', input_tokens: 9, output_tokens: 3 });
    expect(JSON.parse(older!.token_details)).toEqual({ cache_read_input_tokens: 2048 });
    expect(older!.response_json).toMatchObject({ id: 'msg_fake01', content: [{ type: 'text', text: 'Hello from Claude' }] });
    expect(newer).toMatchObject({ conversation_id: older!.conversation_id, prompt: 'And again' });
    expect(JSON.stringify(logs)).not.toContain(KEY);
  });

  it('answers --schema with JSON, and reports a failure in one line without the key', async () => {
    server.reply(message([{ type: 'tool_use', id: 'toolu_1', name: 'output_structured_data', input: { name: 'Ada', age: 36 } }]));
    const structured = await llm(['-m', 'claude-haiku', '--schema', 'name, age int', 'Invent a person'], { ANTHROPIC_API_KEY: KEY });
    expect(structured).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(structured.stdout)).toEqual({ name: 'Ada', age: 36 });

    server.reply(apiError(400, 'invalid_request_error', `prompt is too long: 250000 tokens > 200000 maximum (key ${KEY})`));
    const failed = await llm(['-m', 'claude-sonnet', 'too long'], { ANTHROPIC_API_KEY: KEY });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe(`Error: ${server.baseUrl}/v1/messages rejected the request (400 Bad Request: prompt is too long: 250000 tokens > 200000 maximum (key [key])).\n`);
  });

  it('retries an overloaded server, streams thinking apart from the answer and logs it', async () => {
    server.reply(
      apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '0' }),
      message([
        { type: 'thinking', thinking: 'Two and two make four.', signature: 'c2ln' },
        { type: 'text', text: 'Four.' },
      ]),
    );
    const before = server.requests.length;
    const answered = await llm(['-m', 'claude-sonnet', '-o', 'thinking_budget', '2048', '-o', 'max_tokens', '4000', '2+2?'], { ANTHROPIC_API_KEY: KEY });
    expect(answered).toMatchObject({ code: 0, stdout: 'Four.\n', stderr: '' });
    const [refused, retried] = server.requests.slice(before);
    expect(retried!.body).toEqual(refused!.body);
    expect(retried!.body).toMatchObject({ stream: true, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2048 } });
    const [logged] = JSON.parse((await llm(['logs', '--json', '-n', '1'])).stdout) as Record<string, any>[];
    expect(logged).toMatchObject({ response: 'Four.', response_json: { content: [{ type: 'thinking', thinking: 'Two and two make four.', signature: 'c2ln' }, { type: 'text', text: 'Four.' }] } });
  });

  it('runs a chain with a tool the user named (-T), and -c continues with the tool history', async () => {
    const lastUser = (request: { body: any }) => request.body.messages.at(-1).content as Record<string, any>[];
    const echo = (request: { body: any }) => message(`You said: ${lastUser(request).filter((b) => b.type === 'text').map((b) => b.text).join(' ')}`);
    server.handle((request) => {
      const result = lastUser(request).find((block) => block.type === 'tool_result');
      return result ? message(`It is ${JSON.parse(result.content).utc_time}`) : message([{ type: 'tool_use', id: 'toolu_t1', name: 'llm_time', input: {} }]);
    });
    const before = server.requests.length;
    const timed = await llm(['-m', 'claude-haiku', '-T', 'llm_time', 'What time is it?'], { ANTHROPIC_API_KEY: KEY });
    expect(timed).toMatchObject({ code: 0, stderr: '' });
    expect(timed.stdout).toMatch(/^It is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    const [ask, answer] = server.requests.slice(before);
    expect(ask!.body.tools).toEqual([expect.objectContaining({ name: 'llm_time', input_schema: expect.any(Object) })]);
    expect(answer!.body.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_t1', name: 'llm_time', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_t1', content: expect.stringContaining('utc_time') }] },
    ]);

    server.handle(echo);
    const next = await llm(['-c', 'Thanks'], { ANTHROPIC_API_KEY: KEY });
    expect(next).toMatchObject({ code: 0, stdout: 'You said: Thanks\n', stderr: '' });
    expect(server.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What time is it?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_t1', name: 'llm_time', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_t1', content: expect.stringContaining('utc_time') }] },
      { role: 'assistant', content: [{ type: 'text', text: timed.stdout.trim() }] },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
    ]);
  });

  it('sends an image and a PDF given with -a, and -c sends them again', async () => {
    const image = join(work.path, 'square.png');
    const paper = join(work.path, 'paper.pdf');
    writeFileSync(image, png());
    writeFileSync(paper, pdf());
    const before = server.requests.length;
    const described = await llm(['-m', 'claude-sonnet-4.5', '-a', image, '-a', paper, 'Describe both'], { ANTHROPIC_API_KEY: KEY });
    expect(described).toMatchObject({ code: 0, stdout: 'You said: Describe both\n', stderr: '' });
    const sent = [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png().toString('base64') } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf().toString('base64') } },
      { type: 'text', text: 'Describe both' },
    ];
    expect(server.requests[before]!.body.messages).toEqual([{ role: 'user', content: sent }]);
    const again = await llm(['-c', 'Which is bigger?'], { ANTHROPIC_API_KEY: KEY });
    expect(again).toMatchObject({ code: 0, stdout: 'You said: Which is bigger?\n', stderr: '' });
    expect(server.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: sent },
      { role: 'assistant', content: [{ type: 'text', text: 'You said: Describe both' }] },
      { role: 'user', content: [{ type: 'text', text: 'Which is bigger?' }] },
    ]);
  });
});
