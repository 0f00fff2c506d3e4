import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { exampleReplies } from '../fixtures/strategy/example-replies.js';
import { FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { cliEnv, collect, repoRoot, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// The examples in examples/ (built into examples/dist/ by npm run build), run as a user runs them
// but against the fake OpenAI server with scripted replies (test/fixtures/strategy/example-replies.ts).

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir('llm-examples-');
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

const env = () => ({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test', LLM_OPENAI_RETRY_DELAY: '0.001' });

async function runExample(name: string, args: string[] = [], extraEnv: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [join(repoRoot, 'examples/dist', `${name}.js`), ...args], {
    cwd: dir.path,
    env: cliEnv(dir.path, { ...env(), ...extraEnv }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}

/** The names of the calls in a trace, depth first. */
function names(node: { name: string; children: unknown[] }): string[] {
  return [node.name, ...(node.children as { name: string; children: unknown[] }[]).flatMap(names)];
}

async function shownTrace(stdout: string) {
  const id = /^Trace: llm traces show ([0-9a-z]{26})$/m.exec(stdout)?.[1];
  expect(id).toBeDefined();
  const shown = await runCli(['traces', 'show', id!, '--json'], dir.path, { env: env() });
  expect(shown).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(shown.stdout) as { name: string; children: unknown[] };
}

describe('examples, offline', () => {
  it('customer-database: a model implements the static, instance and getter members', async () => {
    server.handle(exampleReplies());
    const result = await runExample('customer-database', ['the customers born in the 1990s']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Customers:\n  c-1001   Amara Okafor             1992-03-14  12 Marina Rd, Lagos, Nigeria\n');
    expect(result.stdout).toContain('Summary: Five customers on four continents, aged 28 to 56.\n');
    expect(result.stdout).toContain('Best matches for "the customers born in the 1990s": c-1001, c-1004\n');
    expect(result.stdout).toContain('Amara Okafor is 32.\n');
    const find = server.chatBodies.find((body) => body.messages[0].content.includes('`MockCustomerDatabase.findCustomerKey`'));
    expect(find.messages[0].content).toContain('"customers":[{"key":"c-1001","firstName":"Amara"');
    const trace = await shownTrace(result.stdout);
    expect(names(trace)).toEqual([
      'customer-database example',
      'MockCustomerDatabase.createMockCustomers',
      'MockCustomerDatabase.summary',
      'MockCustomerDatabase.findCustomerKey',
      'Customer.age',
    ]);
  });

  it('customer-database: a model without a key is a clear error before any request', async () => {
    const result = await runExample('customer-database', [], { OPENAI_API_KEY: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "Error: No key found for model 'gpt-4o-mini': add one with 'llm keys set openai' or set the OPENAI_API_KEY environment variable, or pass --key.\n",
    );
    expect(server.requests).toHaveLength(0);
  });

  it('meta-optimisation: reflects, summarises, suggests and stops when improvement is unlikely', async () => {
    server.handle(exampleReplies([0.8, 0.3, 0.9]));
    const result = await runExample('meta-optimisation');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Round 1: Ask for a concrete benefit and fewer retries.\n');
    expect(result.stdout).toContain('  Probability of improvement: 0.3 (The last change helped)\n');
    expect(result.stdout).not.toContain('Round 3');
    expect(result.stdout).toContain('  Summary of older runs: Plain templates give flat taglines; asking for a concrete benefit helps.\n');
    expect(result.stdout).toContain('"maxAttempts": 2');

    // The suggested template reached the task: the round's runs used it.
    const taglinePrompts = server.chatBodies.map((body) => body.messages[0].content as string).filter((p) => /^(You are|Write a tagline as) the function `writeTagline`/.test(p));
    expect(taglinePrompts).toHaveLength(4); // 2 seeds, then one run in each of 2 rounds
    expect(taglinePrompts[2]).toMatch(/^Write a tagline as the function `writeTagline`/);
    // Generic contracts: the optimiser's schemas carry the task's types as $defs.
    const suggest = server.chatBodies.find((body) => body.messages[0].content.includes('`suggestNextOptimizationStep`'));
    expect(suggest.response_format.json_schema.schema.$defs.TaskParameters).toMatchObject({ required: ['product', 'audience'] });

    const trace = await shownTrace(result.stdout);
    const calls = names(trace);
    expect(calls.slice(0, 3)).toEqual(['meta-optimisation example', 'optimizeHyperparameters', 'taskRun']);
    expect(calls.filter((n) => n === 'probabilityForImprovement')).toHaveLength(2);
    expect(calls.filter((n) => n === 'summarizeOptimizationInfo')).toHaveLength(1); // once 4 runs exceed keepRecent (3)
    expect(calls.filter((n) => n === 'reflectOnTaskRun')).toHaveLength(4);
  });
});

describe('node examples/fake-openai.mjs', () => {
  it('serves the canned answers and writes nothing into the clone, only into the temp folder', async () => {
    const cache = join(repoRoot, 'node_modules', '.cache', 'llm-examples');
    const before = existsSync(cache) ? readdirSync(cache).map((name) => [name, statSync(join(cache, name)).mtimeMs]) : [];
    const tmp = join(dir.path, 'tmp');
    mkdirSync(tmp);
    const child = spawn(process.execPath, [join(repoRoot, 'examples', 'fake-openai.mjs')], { cwd: repoRoot, env: cliEnv(dir.path, { TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = collect(child);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.on('close', () => reject(new Error(`fake-openai.mjs ended early: ${out}`)));
    });
    const [, baseUrl] = /^export OPENAI_BASE_URL=(http:\/\/127\.0\.0\.1:\d+\/v1) OPENAI_API_KEY=sk-test\n$/.exec(line) ?? [];
    expect(baseUrl).toBeDefined();
    const answer = await runCli(['-m', '4o-mini', 'hello there'], dir.path, { env: { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-test' } });
    expect(answer).toMatchObject({ code: 0, stdout: 'You said: hello there\n', stderr: '' });
    child.kill('SIGINT');
    expect(await exited).toMatchObject({ code: 0, stderr: '' });

    // The compiled helpers are cached in the temp folder; the clone's node_modules is left as it was.
    expect(existsSync(cache) ? readdirSync(cache).map((name) => [name, statSync(join(cache, name)).mtimeMs]) : []).toEqual(before);
    expect(readdirSync(join(tmp, 'llm-host-jiti')).length).toBeGreaterThan(0);
  });
});
