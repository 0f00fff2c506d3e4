// The performance targets of issue 18, each measured in this one run as a ratio against a floor
// measured beside it (`node -e 0`, or the same command on a smaller log), and printed as the
// issue's table with the figure it had when the issue was filed ("then"), the figure now, and the
// target. Timings are medians of interleaved runs in random order, so load on the machine hits
// every command alike; nothing here is a test.
//
//   npm run bench -- targets           this table alone (BENCH_RUNS: runs per command, default 15)
//   BENCH_TARGETS_SKIP=search          skip the big-log searches (they build ~300 MB of logs)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, loadFakeServer, median, printTable, root, scratchDir, shuffle, timeRun, timeRunAsync } from './lib.mjs';
import * as experimentReports from './experiment-reports.mjs';
import { bulkWriter } from './sqlite.mjs';

export const name = 'targets';

const KEY = 'sk-bench-0000000000000000';
const MAX_RSS = join(root, 'bench', 'max-rss.mjs');
const skip = new Set((process.env.BENCH_TARGETS_SKIP ?? '').split(',').filter(Boolean));

/** Runs the measurements; `results` holds what other benchmarks of this run found (experiments). */
export async function run({ runs = Number(process.env.BENCH_RUNS ?? 15), results = {} } = {}) {
  const fake = await loadFakeServer();
  const server = await fake.FakeOpenAIServer.start({ validate: false });
  server.handle(() => fake.textReply('Hello there, a fine day to you.', { slices: false }));
  const scratch = scratchDir('llm-bench-targets-');
  try {
    const rows = [];
    const env = envFor(join(scratch, 'user'), server);
    mkdirSync(env.LLM_USER_PATH, { recursive: true });
    const startup = await startupRatios(env, runs);
    rows.push(
      row('logged OpenAI prompt, fake server answering at once, vs `node -e 0`', '5.8x', startup.openai, 3.0),
      row('logged `llm -m echo hi` vs `node -e 0`', '3.7x', startup.echo, 2.5),
      row('`llm --help` vs `node -e 0`', '2.2-2.8x', startup.help, 2.0),
      row('`llm models list` vs `node -e 0`', '2.2-2.8x', startup.models, 2.0),
      row('`llm logs -n 3` vs `node -e 0`', '2.2-2.8x', startup.logs, 2.0),
      row('peak RSS of a logged OpenAI prompt', '109 MB', await peakRssMb(env), 80, ' MB'),
    );
    const stream = await streaming(fake, server, env);
    rows.push(
      row('first streamed chunk on stdout after it reaches the process', 'not measured', stream.firstMs, 5, ' ms'),
      row('the process exits after the last chunk', '57 ms', stream.exitMs, 10, ' ms'),
    );
    if (skip.has('search')) {
      rows.push(['`llm logs -q WORD` at 100k vs 1k responses', '1.46x', 'skipped', '<= 1.2x', '']);
    } else {
      const search = searchScaling(scratch, runs);
      rows.push(
        row('`llm logs -q WORD` at 100k responses vs at 1k', '1.46x', search.rows, 1.2),
        row('`llm logs -q WORD` with 40 KB responses at 5k vs 500', '2.0x', search.big, 1.2),
      );
    }
    rows.push(row('log bytes per response of 40 KB text, vs the text', '2x', await logBytes(fake, server, scratch), 1.1));
    const experiments = results.experiments;
    rows.push(
      experiments?.wallRatio
        ? row('1,000 experiment runs at concurrency 16, server +50 ms, vs the ideal', '1.11-1.25x', experiments.wallRatio, 1.15)
        : ['1,000 experiment runs at concurrency 16, server +50 ms, vs the ideal', '1.11-1.25x', 'run `npm run bench` (experiments)', '<= 1.15x', ''],
    );
    // Measured here when this run did not include the experiment-reports benchmark.
    const reports = results['experiment-reports'] ?? (await experimentReports.run({ runs }));
    rows.push(
      reports.showRatio ? row('`llm experiments show` at 10k runs vs 1k', '2.1x', reports.showRatio, 1.3) : ['`llm experiments show` at 10k runs vs 1k', '2.1x', 'not measured', '<= 1.3x', ''],
      reports.compareRatio ? row('`llm experiments compare` at 10k runs vs 1k', '2.1x', reports.compareRatio, 1.3) : ['`llm experiments compare` at 10k runs vs 1k', '2.1x', 'not measured', '<= 1.3x', ''],
    );
    console.log(`node -e 0: median ${startup.floorMs.toFixed(1)} ms of ${runs} runs, interleaved with the commands it is the floor of.\n`);
    printTable(['what', 'then', 'now', 'target', 'ok'], rows);
    return { ok: rows.every((r) => r[4] !== 'NO') };
  } finally {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function envFor(userDir, server) {
  const env = { ...process.env, LLM_USER_PATH: userDir, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl };
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) if (key.startsWith('LLM_') && key !== 'LLM_USER_PATH') delete env[key];
  return env;
}

/** A table row: what, then, now, target, ok. */
function row(what, then, value, limit, unit = 'x') {
  return [what, then, `${value.toFixed(unit === 'x' ? 2 : 1)}${unit}`, `<= ${limit}${unit}`, value <= limit ? 'yes' : 'NO'];
}

/** Medians of the start-up commands, interleaved with `node -e 0`, as ratios to it. */
async function startupRatios(env, runs) {
  const cases = {
    floor: ['-e', '0'],
    openai: [cli, '-m', 'gpt-4o-mini', 'hi'],
    echo: [cli, '-m', 'echo', 'hi'],
    help: [cli, '--help'],
    models: [cli, 'models', 'list'],
    logs: [cli, 'logs', '-n', '3'],
  };
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  // Warm-up: the log exists (and is migrated) before any timed run, and the file cache is warm.
  for (const args of Object.values(cases)) await timeRunAsync(process.execPath, args, { env, cwd: env.LLM_USER_PATH });
  for (let i = 0; i < runs; i++) {
    for (const key of shuffle(Object.keys(cases))) samples[key].push(await timeRunAsync(process.execPath, cases[key], { env, cwd: env.LLM_USER_PATH }));
  }
  const floorMs = median(samples.floor);
  const ratios = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v) / floorMs]));
  return { ...ratios, floorMs };
}

/** Peak RSS of a logged OpenAI prompt, in MB: the largest of 3 runs. */
async function peakRssMb(env) {
  const values = [];
  for (let i = 0; i < 3; i++) {
    const file = join(env.LLM_USER_PATH, `max-rss-${i}.txt`);
    await timeRunAsync(process.execPath, ['--import', MAX_RSS, cli, '-m', 'gpt-4o-mini', 'hi'], { env: { ...env, LLM_BENCH_RSS_FILE: file } });
    values.push(Number(readFileSync(file, 'utf8')) / 1024);
  }
  return Math.max(...values);
}

/**
 * A streamed reply whose chunks the server sends 40 ms apart: how long after the server wrote the
 * first content chunk it is on the CLI's stdout (loopback: the network adds well under 1 ms), and
 * how long after the last stdout write the process has exited. Medians of 7 runs.
 */
async function streaming(fake, server, env) {
  const first = [];
  const exit = [];
  for (let run = 0; run < 7; run++) {
    server.reply(fake.textReply(['one ', 'two ', 'three ', 'four ', 'five'], { delayMs: 40, slices: false }));
    const child = spawn(process.execPath, [cli, '-m', 'gpt-4o-mini', 'count'], { env, cwd: env.LLM_USER_PATH, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstAt;
    let lastAt;
    let stdout = '';
    child.stdout.on('data', (data) => {
      firstAt ??= performance.now();
      lastAt = performance.now();
      stdout += data;
    });
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code === 0 ? performance.now() : Number.NaN)));
    const closed = new Promise((resolve) => child.on('close', resolve));
    const [exitedAt] = await Promise.all([exited, closed]);
    if (Number.isNaN(exitedAt) || stdout !== 'one two three four five\n') throw new Error(`the CLI failed: ${stdout}`);
    const { timeline } = server.requests.at(-1);
    // events[0] is the role-only chunk; events[1] carries the first text.
    first.push(firstAt - timeline.events[1]);
    exit.push(exitedAt - lastAt);
  }
  return { firstMs: median(first), exitMs: median(exit) };
}

/** `llm logs -q pelican` on logs of 1k and 100k responses, and of 500 and 5k responses of 40 KB text. */
function searchScaling(scratch, runs) {
  const bulk = bulkWriter();
  const make = (label, count, words) => {
    const dir = join(scratch, label);
    mkdirSync(dir, { recursive: true });
    const env = { ...process.env, LLM_USER_PATH: dir };
    delete env.NODE_OPTIONS;
    timeRun(process.execPath, [cli, '-m', 'echo', 'create the log'], { env });
    bulk(join(dir, 'logs.db'), count, words);
    return env;
  };
  const logs = { small: make('rows-1k', 1_000, 150), large: make('rows-100k', 100_000, 150), bigSmall: make('big-500', 500, 6_000), bigLarge: make('big-5k', 5_000, 6_000) };
  // Also -l (the newest matches, unranked), on the 1k and 100k logs: no target, for comparison.
  const cases = { ...Object.fromEntries(Object.entries(logs).map(([k, env]) => [k, { env, args: [] }])), latestSmall: { env: logs.small, args: ['-l'] }, latestLarge: { env: logs.large, args: ['-l'] } };
  const search = ({ env, args }) => timeRun(process.execPath, [cli, 'logs', '-q', 'pelican', ...args], { env });
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const c of Object.values(cases)) search(c);
  for (let i = 0; i < runs; i++) {
    for (const key of shuffle(Object.keys(cases))) samples[key].push(search(cases[key]));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.log(
    `llm logs -q pelican, median ms: 1k ${m.small.toFixed(0)}, 100k ${m.large.toFixed(0)} (${mb(logs.large)}); ` +
      `500 x 40 KB ${m.bigSmall.toFixed(0)}, 5k x 40 KB ${m.bigLarge.toFixed(0)} (${mb(logs.bigLarge)}); ` +
      `with -l (newest matches, unranked; no target): 1k ${m.latestSmall.toFixed(0)}, 100k ${m.latestLarge.toFixed(0)} (${(m.latestLarge / m.latestSmall).toFixed(2)}x)`,
  );
  return { rows: m.large / m.small, big: m.bigLarge / m.bigSmall };
}

function mb(env) {
  return `${(statSync(join(env.LLM_USER_PATH, 'logs.db')).size / 1024 / 1024).toFixed(0)} MB`;
}

/**
 * What the log stores per response beside the prompt: the `responses` row's bytes for a 40 KB
 * reply (streamed, as a user gets it), as a multiple of the reply's text. The FTS5 index, which
 * exists to search that text, is shown apart.
 */
async function logBytes(fake, server, scratch) {
  const dir = join(scratch, 'log-bytes');
  mkdirSync(dir, { recursive: true });
  const env = envFor(dir, server);
  const words = 'pelican gull heron tern cormorant wing beak feather ocean harbor '.repeat(600).trim();
  const text = words.slice(0, 40 * 1024);
  server.reply(fake.textReply(text, { slices: false }));
  const child = spawn(process.execPath, [cli, '-m', 'gpt-4o-mini', 'forty kilobytes'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (data) => (stdout += data));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0 || stdout !== `${text}\n`) throw new Error(`the CLI failed (exit ${code})`);
  const sql = `SELECT sum(length(CAST(coalesce(response, '') AS BLOB)) + length(CAST(coalesce(response_json, '') AS BLOB)) + length(CAST(coalesce(prompt_json, '') AS BLOB))) AS n FROM responses WHERE response = ?`;
  const db = bulkWriter().open(join(dir, 'logs.db'));
  try {
    const bytes = Number(db.prepare(sql).get(text).n);
    console.log(`a 40 KB reply (${Buffer.byteLength(text)} bytes): response + response_json + prompt_json ${bytes} bytes`);
    return bytes / Buffer.byteLength(text);
  } finally {
    db.close();
  }
}
