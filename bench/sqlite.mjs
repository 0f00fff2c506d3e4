// The sqlite-logger at scale (issue 4). With the native engine (node:sqlite, else better-sqlite3):
//   - logging one response with a 100k-response log costs at most 1.3x what it costs with an
//     empty log (timed inside the process, around the logResponse hook alone; whole `llm` runs
//     are shown too);
//   - peak RSS of `llm -m echo` with the 100k log at most 150 MB;
//   - `llm logs -n 3` at 100k at most 2x its cost at 0.
// The sql.js engine's figures at 0, 1k, 10k and 100k are reported alongside, without targets.
// Big logs are made quickly by inserting rows directly, then every measurement goes through the
// real plugin: CLI runs, or a child process that prompts through the library (bench/log-once.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cli, median, printTable, root, scratchDir, shuffle, timeRun } from './lib.mjs';

export const name = 'sqlite';

const require = createRequire(import.meta.url);
const LOG_ONCE = join(root, 'bench', 'log-once.mjs');
const MAX_RSS = join(root, 'bench', 'max-rss.mjs');
const TARGETS = { logRatio: 1.3, rssMb: 150, listRatio: 2 };

export async function run({ runs = Number(process.env.BENCH_RUNS ?? 15) } = {}) {
  const scratch = scratchDir('llm-bench-sqlite-');
  try {
    const engines = ['node:sqlite', 'better-sqlite3', 'sql.js'].filter((engine) => available(engine, scratch));
    console.log(`Engines here: ${engines.join(', ')}`);
    const bulk = await bulkWriter();
    let ok = true;
    const native = engines.find((engine) => engine !== 'sql.js');
    if (native && bulk) {
      ok = measure(native, [0, 100_000], runs, scratch, bulk, true) && ok;
    } else {
      console.log('No native engine here (or none in this process to build the big log): the native targets were not checked.');
      ok = false;
    }
    if (engines.includes('sql.js') && bulk) measure('sql.js', [0, 1_000, 10_000, 100_000], Math.max(3, Math.ceil(runs / 3)), scratch, bulk, false);
    return { ok };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether `llm` can use an engine here (LLM_SQLITE_ENGINE forces it; status fails if it cannot load). */
function available(engine, scratch) {
  const result = spawnSync(process.execPath, [cli, 'logs', 'status'], { env: envFor(scratch, engine), stdio: 'pipe' });
  return result.status === 0;
}

function envFor(userDir, engine) {
  const env = { ...process.env, LLM_USER_PATH: userDir, LLM_SQLITE_ENGINE: engine };
  delete env.NODE_OPTIONS;
  return env;
}

/** Measures one engine at several log sizes; checks the targets for the native engine. */
function measure(engine, sizes, runs, scratch, bulk, checkTargets) {
  console.log(`\n### ${engine}${checkTargets ? '' : ' (reported, no targets)'}\n`);
  const dirs = new Map();
  for (const size of sizes) {
    const dir = join(scratch, `${engine.replace(/\W/g, '-')}-${size}`);
    mkdirSync(dir, { recursive: true });
    // The first run creates the log with this engine's migrations (sql.js: no FTS5 index).
    timeRun(process.execPath, [cli, '-m', 'echo', 'create the log'], { env: envFor(dir, engine) });
    const started = Date.now();
    if (size > 0) bulk(join(dir, 'logs.db'), size);
    if (size > 0) console.log(`made a ${size.toLocaleString('en-US')}-response log (${mb(statSync(join(dir, 'logs.db')).size)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    dirs.set(size, dir);
  }
  const samples = new Map(sizes.map((size) => [size, { log: [], prompt: [], list: [], rss: [] }]));
  const tasks = [];
  for (let i = 0; i < runs; i++) {
    for (const size of sizes) {
      const env = envFor(dirs.get(size), engine);
      const s = samples.get(size);
      tasks.push(() => s.log.push(logOnce(env)));
      tasks.push(() => s.prompt.push(timeRun(process.execPath, [cli, '-m', 'echo', 'a benchmark prompt'], { env })));
      tasks.push(() => s.list.push(timeRun(process.execPath, [cli, 'logs', '-n', '3'], { env })));
    }
  }
  // Warm the file cache, then interleave every measurement in random order.
  for (const size of sizes) timeRun(process.execPath, [cli, 'logs', '-n', '3'], { env: envFor(dirs.get(size), engine) });
  for (const task of shuffle(tasks)) task();
  for (const size of sizes) {
    for (let i = 0; i < 3; i++) samples.get(size).rss.push(peakRss(envFor(dirs.get(size), engine)));
  }

  const base = samples.get(sizes[0]);
  const rows = sizes.map((size) => {
    const s = samples.get(size);
    return [
      size.toLocaleString('en-US'),
      mb(statSync(join(dirs.get(size), 'logs.db')).size),
      median(s.log).toFixed(1),
      (median(s.log) / median(base.log)).toFixed(2),
      median(s.prompt).toFixed(0),
      median(s.list).toFixed(0),
      (median(s.list) / median(base.list)).toFixed(2),
      Math.max(...s.rss).toFixed(0),
    ];
  });
  printTable(['responses', 'file', 'logging ms', 'x at 0', 'llm -m echo ms', 'llm logs -n 3 ms', 'x at 0', 'peak RSS MB'], rows);
  if (!checkTargets) return true;

  const big = samples.get(sizes.at(-1));
  const checks = [
    ['logging one response at 100k vs 0', median(big.log) / median(base.log), TARGETS.logRatio, 'x'],
    ['peak RSS of llm -m echo at 100k', Math.max(...big.rss), TARGETS.rssMb, ' MB'],
    ['llm logs -n 3 at 100k vs 0', median(big.list) / median(base.list), TARGETS.listRatio, 'x'],
  ];
  console.log('');
  printTable(
    ['target', 'measured', 'limit', 'ok'],
    checks.map(([label, value, limit, unit]) => [label, `${value.toFixed(2)}${unit}`, `<= ${limit}${unit}`, value <= limit ? 'yes' : 'NO']),
  );
  return checks.every(([, value, limit]) => value <= limit);
}

/** The time the logResponse hook takes for one response, in a fresh process (bench/log-once.mjs). */
function logOnce(env) {
  const result = spawnSync(process.execPath, [LOG_ONCE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`log-once failed: ${result.stderr}`);
  return JSON.parse(result.stdout.toString()).ms;
}

/** Peak resident set size of one `llm -m echo` run, in MB. */
function peakRss(env) {
  const file = join(env.LLM_USER_PATH, 'max-rss.txt');
  timeRun(process.execPath, ['--import', MAX_RSS, cli, '-m', 'echo', 'measure memory'], { env: { ...env, LLM_BENCH_RSS_FILE: file } });
  return Number(readFileSync(file, 'utf8')) / 1024;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Opens a SQLite file with a native engine in this process (node:sqlite, else better-sqlite3); undefined if neither loads. */
function nativeOpener() {
  try {
    const { DatabaseSync } = process.getBuiltinModule?.('node:sqlite') ?? {};
    if (DatabaseSync) return (path) => new DatabaseSync(path);
  } catch {
    // Not in this Node version.
  }
  try {
    const Database = require('better-sqlite3');
    return (path) => new Database(path);
  } catch {
    return undefined;
  }
}

/**
 * A function that appends `count` responses (in conversations of 1 to 4 turns) of `responseWords`
 * words each straight into a log, through a native SQLite in this process (node:sqlite, else
 * better-sqlite3): the FTS5 triggers, where the log has them, index the rows as the logger's
 * inserts would. Its `open` opens a file with the same engine. Undefined without a native engine.
 */
export function bulkWriter() {
  const open = nativeOpener();
  if (!open) return undefined;
  const write = (path, count, responseWords = 150) => {
    const db = open(path);
    const words = 'pelican gull heron tern cormorant wing beak feather ocean harbor fish dive glide nest tide wave sand rock cliff storm calm sun moon sky'.split(' ');
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const text = (n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
    const insertConversation = db.prepare('INSERT INTO conversations (id, name, model) VALUES (?, ?, ?)');
    const insertResponse = db.prepare(
      `INSERT INTO responses (id, model, prompt, system, prompt_json, options_json, response, response_json, conversation_id,
        duration_ms, datetime_utc, input_tokens, output_tokens, token_details, schema_id, resolved_model)
       VALUES (?, ?, ?, NULL, NULL, '{}', ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)`,
    );
    db.exec('BEGIN');
    let conversation = '';
    for (let i = 0; i < count; i++) {
      // Ids below any real ULID (they start with 00), so the CLI's own rows stay the newest.
      const id = `00${String(i).padStart(24, '0')}`;
      if (i % 3 === 0) {
        conversation = `00c${String(i).padStart(23, '0')}`;
        insertConversation.run(conversation, text(5), 'echo');
      }
      const prompt = text(30);
      const response = text(responseWords);
      insertResponse.run(id, 'echo', prompt, response, JSON.stringify({ id: `raw-${i}`, usage: { in: 30, out: responseWords } }), conversation, 500, `2024-01-01T00:00:00.${String(i % 1e6).padStart(6, '0')}+00:00`, 30, responseWords);
    }
    db.exec('COMMIT');
    db.close();
  };
  return Object.assign(write, { open });
}
