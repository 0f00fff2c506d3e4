// Experiments (issue 7): 1,000 runs of a one-request pipeline against the fake OpenAI server,
// which answers each request after 50 ms, at concurrency 16, through `llm experiments run` (a
// child process, as a user runs it; the fake server lives in this process).
// Targets: wall time at most 1.15x the ideal (1000 / 16 x 50 ms = 3125 ms), peak RSS at most
// 200 MB. Wall time is the whole command, start-up, file loading and the last log write
// included; the experiment's own duration is shown beside it. Checked on the native SQLite
// engine; sql.js is reported alongside.
// promptfoo 0.118 (the comparison the issue asks for) runs the same 1,000 calls at the same
// concurrency against the same server, if it is installed in the benchmark's scratch folder
// (BENCH_PROMPTFOO_DIR, see below), and is reported without a target.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { cli, printTable, root, scratchDir } from './lib.mjs';

export const name = 'experiments';

const RUNS = Number(process.env.BENCH_EXPERIMENT_RUNS ?? 1000);
const CONCURRENCY = 16;
const DELAY_MS = 50;
const IDEAL_MS = (RUNS / CONCURRENCY) * DELAY_MS;
const TARGETS = { wallRatio: 1.15, rssMb: 200 };
const MAX_RSS = join(root, 'bench', 'max-rss.mjs');

async function loadFakeServer() {
  const outdir = join(root, 'node_modules', '.cache', 'llm-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'fake-openai-server.mjs');
  await build({ entryPoints: [join(root, 'test/helpers/fake-openai-server.ts')], outfile, bundle: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'warning' });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

/** The experiment file: one bot call per run, one metric. */
function writeExperiment(dir) {
  const file = join(dir, 'bench-experiment.mjs');
  writeFileSync(
    file,
    `import { bot, experiment, prompt } from 'llm';
const ask = prompt('user', 'Say hello to {{ name }}', { name: 'bench-ask' });
const writer = bot({ name: 'writer', model: 'gpt-4o-mini', options: { temperature: 0 } });
export default experiment('bench', async ({ index }) => writer(ask({ name: 'run ' + index })).text(), {
  metrics: ['length'],
});
`,
  );
  return file;
}

function runCli(args, env, cwd) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', pathToFileURL(MAX_RSS).href, cli, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

async function measureLlm(fake, server, engine, scratch) {
  const userDir = join(scratch, `user-${engine.replace(/\W/g, '')}`);
  mkdirSync(userDir, { recursive: true });
  const file = writeExperiment(scratch);
  const rssFile = join(scratch, `rss-${engine.replace(/\W/g, '')}.txt`);
  const env = {
    ...process.env,
    LLM_USER_PATH: userDir,
    LLM_SQLITE_ENGINE: engine,
    OPENAI_API_KEY: 'sk-bench-0000000000000000',
    OPENAI_BASE_URL: server.baseUrl,
    LLM_BENCH_RSS_FILE: rssFile,
  };
  delete env.NODE_OPTIONS;
  const before = server.count;
  const result = await runCli(['experiments', 'run', file, '--executions', String(RUNS), '--concurrency', String(CONCURRENCY), '--json'], env, scratch);
  if (result.code !== 0) throw new Error(`llm experiments run failed (exit ${result.code}): ${result.stderr}`);
  const summary = JSON.parse(result.stdout);
  if (summary.ok !== RUNS) throw new Error(`expected ${RUNS} ok runs, got ${summary.ok}: ${JSON.stringify(summary.errors)}`);
  const requests = server.count - before;
  const rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  return { engine, wallMs: result.ms, experimentMs: summary.durationMs, rssMb, requests, peak: server.peak };
}

/**
 * promptfoo, if installed: `BENCH_PROMPTFOO_DIR` (default: node_modules/.cache/llm-bench/promptfoo)
 * must hold node_modules/promptfoo, e.g. from `npm install --prefix DIR promptfoo@0.118`.
 */
async function measurePromptfoo(server, scratch) {
  const dir = process.env.BENCH_PROMPTFOO_DIR ?? join(root, 'node_modules', '.cache', 'llm-bench', 'promptfoo');
  const bin = join(dir, 'node_modules', 'promptfoo', 'dist', 'src', 'main.js');
  if (!existsSync(bin)) return { skipped: `not installed (npm install --prefix ${dir} promptfoo@0.118)` };
  const config = join(scratch, 'promptfooconfig.yaml');
  const tests = Array.from({ length: RUNS }, (_, i) => `  - vars: { name: "run ${i}" }\n    assert: [{ type: javascript, value: "output.length" }]`).join('\n');
  writeFileSync(
    config,
    `prompts: ["Say hello to {{name}}"]\nproviders:\n  - id: openai:chat:gpt-4o-mini\n    config: { apiBaseUrl: "${server.baseUrl}", temperature: 0 }\ntests:\n${tests}\n`,
  );
  const rssFile = join(scratch, 'rss-promptfoo.txt');
  const home = join(scratch, 'promptfoo-home');
  mkdirSync(home, { recursive: true });
  const env = {
    ...process.env,
    OPENAI_API_KEY: 'sk-bench-0000000000000000',
    PROMPTFOO_CONFIG_DIR: home,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_CACHE_ENABLED: 'false',
    PROMPTFOO_DISABLE_SHARING: '1',
    LLM_BENCH_RSS_FILE: rssFile,
  };
  delete env.NODE_OPTIONS;
  const before = server.count;
  const started = performance.now();
  const result = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(MAX_RSS).href, bin, 'eval', '-c', config, '-j', String(CONCURRENCY), '--no-cache', '--no-progress-bar', '--no-table', '--no-write', '-o', join(scratch, 'promptfoo-out.json')], {
      env,
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', () => {});
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const ms = performance.now() - started;
  const requests = server.count - before;
  if (requests < RUNS) return { skipped: `it ran, but made ${requests} requests (exit ${result.code}): ${result.stderr.split('\n').slice(-5).join(' ')}` };
  return { wallMs: ms, rssMb: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN, requests, peak: server.peak };
}

export async function run() {
  const fake = await loadFakeServer();
  const server = await fake.FakeOpenAIServer.start({ validate: false, record: false });
  // Count requests and how many are in flight at once (the concurrency the client really reached).
  server.count = 0;
  server.peak = 0;
  let inFlight = 0;
  server.handle(async () => {
    server.count++;
    inFlight++;
    server.peak = Math.max(server.peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
    inFlight--;
    return fake.textReply('Hello there, a fine day to you.', { slices: false });
  });
  const scratch = scratchDir('llm-bench-experiments-');
  try {
    const engines = ['node:sqlite', 'better-sqlite3', 'sql.js'].filter((engine) => engineAvailable(engine));
    console.log(`${RUNS} runs, concurrency ${CONCURRENCY}, server answers after ${DELAY_MS} ms: ideal ${IDEAL_MS} ms. Engines here: ${engines.join(', ')}\n`);
    const rows = [];
    for (const engine of engines) rows.push(await measureLlm(fake, server, engine, scratch));
    const promptfoo = await measurePromptfoo(server, scratch);
    const native = rows.find((r) => r.engine !== 'sql.js') ?? rows[0];
    printTable(
      ['tool', 'engine', 'requests', 'peak in flight', 'wall ms', 'x ideal', 'experiment ms', 'peak RSS MB'],
      [
        ...rows.map((r) => ['llm experiments run', r.engine, r.requests, r.peak, r.wallMs.toFixed(0), (r.wallMs / IDEAL_MS).toFixed(3), r.experimentMs.toFixed(0), r.rssMb.toFixed(1)]),
        promptfoo.skipped
          ? ['promptfoo 0.118', '-', '-', '-', '-', '-', '-', '-']
          : ['promptfoo 0.118 eval', 'its own', promptfoo.requests, promptfoo.peak, promptfoo.wallMs.toFixed(0), (promptfoo.wallMs / IDEAL_MS).toFixed(3), '-', promptfoo.rssMb.toFixed(1)],
      ],
    );
    if (promptfoo.skipped) console.log(`\npromptfoo: ${promptfoo.skipped}`);
    const wallOk = native.wallMs <= TARGETS.wallRatio * IDEAL_MS;
    const rssOk = native.rssMb <= TARGETS.rssMb;
    console.log(
      `\n${native.engine}: wall ${native.wallMs.toFixed(0)} ms = ${(native.wallMs / IDEAL_MS).toFixed(3)}x ideal (target <= ${TARGETS.wallRatio}x) ${wallOk ? 'ok' : 'MISSED'}; ` +
        `peak RSS ${native.rssMb.toFixed(1)} MB (target <= ${TARGETS.rssMb} MB) ${rssOk ? 'ok' : 'MISSED'}`,
    );
    return { ok: wallOk && rssOk };
  } finally {
    await server.close();
  }
}

/** Whether `llm` can use an engine here (LLM_SQLITE_ENGINE forces it; status fails if it cannot load). */
function engineAvailable(engine) {
  const scratch = scratchDir();
  const env = { ...process.env, LLM_USER_PATH: scratch, LLM_SQLITE_ENGINE: engine };
  delete env.NODE_OPTIONS;
  return spawnSync(process.execPath, [cli, 'logs', 'status'], { env, cwd: scratch, stdio: 'ignore' }).status === 0;
}
