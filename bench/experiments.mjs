// Experiments (issue 7): 1,000 runs of a one-request pipeline against the fake OpenAI server,
// which answers each request 50 ms after it arrives, at concurrency 16, through
// `llm experiments run` (a child process, as a user runs it; the fake server lives in this one).
//
// Targets: the experiment's wall time (from its first run starting to its last run logged, which
// `--json` reports as durationMs) at most 1.15x the ideal 1000 / 16 x 50 ms = 3125 ms, and peak
// RSS at most 200 MB, on the native SQLite engine (median of BENCH_EXPERIMENT_REPEATS runs, 5 by
// default: single runs vary by a few percent on a shared machine). The whole command's wall time (start-up and compiling the file included) is shown
// beside it, as is sql.js.
//
// For context, in the same run and against the same server: bare `undici.request` making the same
// 1,000 streamed requests at concurrency 16 (the floor on this machine), and the llm library
// making them (`model.prompt().text()`, no experiment, nothing logged). promptfoo 0.118 runs the
// same 1,000 calls at the same concurrency when it is installed in the benchmark's scratch folder:
//   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix node_modules/.cache/llm-bench/promptfoo promptfoo@0.118
// (its playwright dependency downloads a browser at install time, which needs more than the npm
// registry; skipping that download is harmless for `promptfoo eval`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, loadFakeServer, median, printTable, root, scratchDir } from './lib.mjs';

export const name = 'experiments';

const RUNS = Number(process.env.BENCH_EXPERIMENT_RUNS ?? 1000);
const REPEATS = Number(process.env.BENCH_EXPERIMENT_REPEATS ?? 5);
const CONCURRENCY = 16;
const DELAY_MS = 50;
const IDEAL_MS = (RUNS / CONCURRENCY) * DELAY_MS;
const TARGETS = { wallRatio: 1.15, rssMb: 200 };
const MAX_RSS = join(root, 'bench', 'max-rss.mjs');
const KEY = 'sk-bench-0000000000000000';
const PROMPTFOO_DIR = process.env.BENCH_PROMPTFOO_DIR ?? join(root, 'node_modules', '.cache', 'llm-bench', 'promptfoo');

/** Runs `node args` with peak RSS recorded; resolves with exit code, output and wall time. */
function runNode(args, { env, cwd, rssFile }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', pathToFileURL(MAX_RSS).href, ...args], { env: { ...env, LLM_BENCH_RSS_FILE: rssFile }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const rssMb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : Number.NaN;
      resolve({ code, stdout, stderr, ms, rssMb });
    });
  });
}

function baseEnv(server) {
  const env = { ...process.env, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl };
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) if (key.startsWith('LLM_') && key !== 'LLM_USER_PATH') delete env[key];
  return env;
}

/** `llm experiments run` on one engine: the command's wall time, the experiment's, peak RSS. */
async function measureLlm(server, engine, scratch, file, run) {
  const userDir = join(scratch, `user-${engine.replace(/\W/g, '')}-${run}`);
  mkdirSync(userDir, { recursive: true });
  const before = server.stats.count;
  server.stats.peak = 0;
  const result = await runNode([cli, 'experiments', 'run', file, '--executions', String(RUNS), '--concurrency', String(CONCURRENCY), '--json'], {
    env: { ...baseEnv(server), LLM_USER_PATH: userDir, LLM_SQLITE_ENGINE: engine },
    cwd: scratch,
    rssFile: join(scratch, `rss-${engine.replace(/\W/g, '')}-${run}.txt`),
  });
  if (result.code !== 0) throw new Error(`llm experiments run failed (exit ${result.code}): ${result.stderr}`);
  const summary = JSON.parse(result.stdout);
  if (summary.ok !== RUNS) throw new Error(`expected ${RUNS} ok runs, got ${summary.ok}: ${JSON.stringify(summary.errors)}`);
  return { engine, wallMs: result.ms, experimentMs: summary.durationMs, rssMb: result.rssMb, requests: server.stats.count - before, peak: server.stats.peak };
}

/** A script that makes the requests without an experiment: bare undici, or the llm library. */
function writeClients(scratch) {
  const bare = join(scratch, 'bare-undici.mjs');
  writeFileSync(
    bare,
    `import { Agent, request } from ${JSON.stringify(pathToFileURL(join(root, 'node_modules', 'undici', 'index.js')).href)};
const agent = new Agent();
const url = process.env.OPENAI_BASE_URL + '/chat/completions';
const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY };
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: ${CONCURRENCY} }, async () => {
  while (next < ${RUNS}) {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to run ' + next++ }], temperature: 0, stream: true, stream_options: { include_usage: true } });
    const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
    await response.body.text();
  }
}));
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));
await agent.close();
`,
  );
  const library = join(scratch, 'llm-library.mjs');
  writeFileSync(
    library,
    `import { createLlm } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'src', 'index.js')).href)};
const llm = await createLlm({ loadInstalled: false });
const model = await llm.getModel('gpt-4o-mini');
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: ${CONCURRENCY} }, async () => {
  while (next < ${RUNS}) await model.prompt('Say hello to run ' + next++, { options: { temperature: 0 }, log: false }).text();
}));
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));
`,
  );
  return { bare, library };
}

async function measureClient(server, script, scratch, label) {
  const userDir = join(scratch, `user-${label}`);
  mkdirSync(userDir, { recursive: true });
  const before = server.stats.count;
  server.stats.peak = 0;
  const result = await runNode([script], { env: { ...baseEnv(server), LLM_USER_PATH: userDir }, cwd: scratch, rssFile: join(scratch, `rss-${label}.txt`) });
  if (result.code !== 0) throw new Error(`${label} failed: ${result.stderr}`);
  return { wallMs: result.ms, requestsMs: JSON.parse(result.stdout).ms, rssMb: result.rssMb, requests: server.stats.count - before, peak: server.stats.peak };
}

async function measurePromptfoo(server, scratch) {
  const bin = join(PROMPTFOO_DIR, 'node_modules', 'promptfoo', 'dist', 'src', 'main.js');
  if (!existsSync(bin)) return { skipped: `not installed: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix ${PROMPTFOO_DIR} promptfoo@0.118` };
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).stdout.trim();
  const config = join(scratch, 'promptfooconfig.yaml');
  const tests = Array.from({ length: RUNS }, (_, i) => `  - vars: { name: "run ${i}" }\n    assert: [{ type: javascript, value: "output.length > 0" }]`).join('\n');
  writeFileSync(config, `prompts: ["Say hello to {{name}}"]\nproviders:\n  - id: openai:chat:gpt-4o-mini\n    config: { apiBaseUrl: "${server.baseUrl}", temperature: 0 }\ntests:\n${tests}\n`);
  const home = join(scratch, 'promptfoo-home');
  mkdirSync(home, { recursive: true });
  const before = server.stats.count;
  server.stats.peak = 0;
  const result = await runNode(
    [bin, 'eval', '-c', config, '-j', String(CONCURRENCY), '--no-cache', '--no-progress-bar', '--no-table', '--no-write', '-o', join(scratch, 'promptfoo-out.json')],
    {
      env: {
        ...baseEnv(server),
        PROMPTFOO_CONFIG_DIR: home,
        PROMPTFOO_DISABLE_TELEMETRY: '1',
        PROMPTFOO_DISABLE_UPDATE: '1',
        PROMPTFOO_CACHE_ENABLED: 'false',
        PROMPTFOO_DISABLE_SHARING: '1',
      },
      cwd: scratch,
      rssFile: join(scratch, 'rss-promptfoo.txt'),
    },
  );
  const requests = server.stats.count - before;
  if (requests < RUNS) return { skipped: `promptfoo ${version} ran but made ${requests} requests (exit ${result.code}): ${result.stderr.split('\n').slice(-5).join(' ')}` };
  return { version, wallMs: result.ms, rssMb: result.rssMb, requests, peak: server.stats.peak };
}

/** Whether `llm` can use an engine here (LLM_SQLITE_ENGINE forces it; status fails if it cannot load). */
function engineAvailable(engine, scratch) {
  const env = { ...process.env, LLM_USER_PATH: scratch, LLM_SQLITE_ENGINE: engine };
  delete env.NODE_OPTIONS;
  return spawnSync(process.execPath, [cli, 'logs', 'status'], { env, cwd: scratch, stdio: 'ignore' }).status === 0;
}

export async function run() {
  const fake = await loadFakeServer();
  const server = await fake.FakeOpenAIServer.start({ validate: false, record: false });
  // Count requests and how many are in flight at once (the concurrency each client reached).
  server.stats = { count: 0, peak: 0 };
  let inFlight = 0;
  server.handle(async () => {
    server.stats.count++;
    inFlight++;
    server.stats.peak = Math.max(server.stats.peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
    inFlight--;
    return fake.textReply('Hello there, a fine day to you.', { slices: false });
  });
  const scratch = scratchDir('llm-bench-experiments-');
  try {
    const file = join(scratch, 'bench-experiment.ts');
    writeFileSync(
      file,
      `import { bot, experiment, prompt } from 'llm-host/experiments';
const ask = prompt('user', 'Say hello to {{ name }}', { name: 'bench-ask' });
const writer = bot({ name: 'writer', model: 'gpt-4o-mini', options: { temperature: 0 } });
export default experiment('bench', async ({ index }) => writer(ask({ name: 'run ' + index })).text(), { metrics: ['length'] });
`,
    );
    const engines = ['node:sqlite', 'better-sqlite3', 'sql.js'].filter((engine) => engineAvailable(engine, scratch));
    const native = engines.find((engine) => engine !== 'sql.js');
    console.log(`${RUNS} runs, concurrency ${CONCURRENCY}, the server answers ${DELAY_MS} ms after each request: ideal ${IDEAL_MS} ms. Engines here: ${engines.join(', ')}\n`);
    const clients = writeClients(scratch);
    const bare = await measureClient(server, clients.bare, scratch, 'bare');
    const library = await measureClient(server, clients.library, scratch, 'library');
    const llmRuns = [];
    for (const engine of engines) {
      const repeats = engine === native ? REPEATS : 1;
      for (let i = 0; i < repeats; i++) llmRuns.push(await measureLlm(server, engine, scratch, file, i));
    }
    const promptfoo = await measurePromptfoo(server, scratch);
    const ratio = (ms) => (ms / IDEAL_MS).toFixed(3);
    printTable(
      ['client', 'SQLite', 'requests', 'peak in flight', 'requests/runs ms', 'x ideal', 'whole command ms', 'x ideal', 'peak RSS MB'],
      [
        ['bare undici.request (floor)', '-', bare.requests, bare.peak, bare.requestsMs.toFixed(0), ratio(bare.requestsMs), bare.wallMs.toFixed(0), ratio(bare.wallMs), bare.rssMb.toFixed(1)],
        ['llm library, no experiment', '-', library.requests, library.peak, library.requestsMs.toFixed(0), ratio(library.requestsMs), library.wallMs.toFixed(0), ratio(library.wallMs), library.rssMb.toFixed(1)],
        ...llmRuns.map((r) => ['llm experiments run', r.engine, r.requests, r.peak, r.experimentMs.toFixed(0), ratio(r.experimentMs), r.wallMs.toFixed(0), ratio(r.wallMs), r.rssMb.toFixed(1)]),
        promptfoo.skipped
          ? ['promptfoo 0.118 eval', '-', '-', '-', '-', '-', '-', '-', '-']
          : [`promptfoo ${promptfoo.version} eval`, 'its own', promptfoo.requests, promptfoo.peak, '-', '-', promptfoo.wallMs.toFixed(0), ratio(promptfoo.wallMs), promptfoo.rssMb.toFixed(1)],
      ],
    );
    if (promptfoo.skipped) console.log(`\npromptfoo: ${promptfoo.skipped}`);
    const nativeRuns = llmRuns.filter((r) => r.engine === native);
    const experimentMs = median(nativeRuns.map((r) => r.experimentMs));
    const wallMs = median(nativeRuns.map((r) => r.wallMs));
    const rssMb = Math.max(...nativeRuns.map((r) => r.rssMb));
    const wallOk = experimentMs <= TARGETS.wallRatio * IDEAL_MS;
    const rssOk = rssMb <= TARGETS.rssMb;
    console.log(
      `\n${native} (median of ${nativeRuns.length}): the experiment's wall time ${experimentMs.toFixed(0)} ms = ${ratio(experimentMs)}x ideal (target <= ${TARGETS.wallRatio}x) ${wallOk ? 'ok' : 'MISSED'}; ` +
        `the whole command ${wallMs.toFixed(0)} ms = ${ratio(wallMs)}x (start-up and compiling the file included; no target); ` +
        `peak RSS ${rssMb.toFixed(1)} MB (target <= ${TARGETS.rssMb} MB) ${rssOk ? 'ok' : 'MISSED'}`,
    );
    return { ok: wallOk && rssOk, wallRatio: experimentMs / IDEAL_MS };
  } finally {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
