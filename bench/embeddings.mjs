// `llm similar` over a big collection (issue 16): 100,000 vectors of 1,536 dimensions (the size of
// OpenAI's text-embedding-3-small), searched by a stored item's id (no model call), with the
// native engine (node:sqlite, else better-sqlite3). Targets:
//   - wall time of `llm similar` at most 1.5x the floor: a process that reads the same blobs with
//     the same engine and does nothing else (bench/read-blobs.mjs);
//   - peak RSS of `llm similar` under 1.5x the vectors' size (100,000 x 1,536 x 4 bytes = 614 MB).
// The collection is made by `llm embed` (schema, collection) and then filled straight through the
// engine in this process, as the Python llm would store the rows.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cli, median, printTable, root, scratchDir, shuffle, timeRun } from './lib.mjs';

export const name = 'embeddings';

const require = createRequire(import.meta.url);
const MAX_RSS = join(root, 'bench', 'max-rss.mjs');
const READ_BLOBS = join(root, 'bench', 'read-blobs.mjs');
const COUNT = Number(process.env.BENCH_EMBEDDINGS ?? 100_000);
const DIMENSIONS = 1536;
const TARGETS = { timeRatio: 1.5, rssRatio: 1.5 };

export async function run({ runs = Number(process.env.BENCH_RUNS ?? 7) } = {}) {
  const scratch = scratchDir('llm-bench-embeddings-');
  try {
    const native = await nativeEngine();
    if (!native) {
      console.log('No native engine here: the targets were not checked.');
      return { ok: false };
    }
    const env = { ...process.env, LLM_USER_PATH: scratch, LLM_SQLITE_ENGINE: native.name };
    delete env.NODE_OPTIONS;
    const path = join(scratch, 'embeddings.db');
    timeRun(process.execPath, [cli, 'embed', 'bench', 'seed', '-m', 'offline', '-c', 'seed'], { env });
    const started = Date.now();
    fill(native.open(path), COUNT);
    const vectorsMb = (COUNT * DIMENSIONS * 4) / 1024 / 1024;
    console.log(`Engine: ${native.name}. Made ${COUNT.toLocaleString('en-US')} vectors of ${DIMENSIONS} dimensions (${vectorsMb.toFixed(0)} MB of vectors, ${mb(statSync(path).size)} file) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const similarArgs = [cli, 'similar', 'bench', 'item-0', '-n', '10'];
    const check = spawnSync(process.execPath, similarArgs, { env, encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`llm similar failed: ${check.stderr}`);
    if (check.stdout.trim().split('\n').length !== 10) throw new Error(`llm similar printed ${check.stdout}`);

    // Warm the file cache, then interleave the two measurements in random order.
    timeRun(process.execPath, [READ_BLOBS, path, native.name], { env });
    const samples = { similar: [], floor: [], rss: [] };
    const tasks = [];
    for (let i = 0; i < runs; i++) {
      tasks.push(() => samples.similar.push(timeRun(process.execPath, similarArgs, { env })));
      tasks.push(() => samples.floor.push(timeRun(process.execPath, [READ_BLOBS, path, native.name], { env })));
    }
    for (const task of shuffle(tasks)) task();
    for (let i = 0; i < 3; i++) samples.rss.push(peakRss(env, similarArgs));

    const ratio = median(samples.similar) / median(samples.floor);
    const rss = Math.max(...samples.rss);
    printTable(
      ['vectors', 'llm similar ms', 'read blobs ms (floor)', 'x floor', 'peak RSS MB', 'vectors MB'],
      [[COUNT.toLocaleString('en-US'), median(samples.similar).toFixed(0), median(samples.floor).toFixed(0), ratio.toFixed(2), rss.toFixed(0), vectorsMb.toFixed(0)]],
    );
    const checks = [
      ['llm similar vs reading the blobs', ratio, TARGETS.timeRatio, 'x'],
      ['peak RSS vs the vectors', rss / vectorsMb, TARGETS.rssRatio, 'x'],
    ];
    console.log('');
    printTable(
      ['target', 'measured', 'limit', 'ok'],
      checks.map(([label, value, limit, unit]) => [label, `${value.toFixed(2)}${unit}`, `<= ${limit}${unit}`, value <= limit ? 'yes' : 'NO']),
    );
    return { ok: checks.every(([, value, limit]) => value <= limit) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** node:sqlite (Node 22.13+), else better-sqlite3, in this process; undefined if neither loads. */
async function nativeEngine() {
  try {
    const { DatabaseSync } = await import('node:sqlite');
    return { name: 'node:sqlite', open: (path) => new DatabaseSync(path) };
  } catch {
    try {
      const Database = require('better-sqlite3');
      new Database(':memory:').close();
      return { name: 'better-sqlite3', open: (path) => new Database(path) };
    } catch {
      return undefined;
    }
  }
}

/** Replaces collection 1's items with `count` random unit-free float32 vectors. */
function fill(db, count) {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const insert = db.prepare(
    'INSERT OR REPLACE INTO embeddings (collection_id, id, embedding, content, content_blob, content_hash, metadata, updated) VALUES (1, ?, ?, NULL, NULL, ?, NULL, 1700000000)',
  );
  db.exec('BEGIN');
  db.exec('DELETE FROM embeddings');
  const vector = new Float32Array(DIMENSIONS);
  for (let i = 0; i < count; i++) {
    for (let d = 0; d < DIMENSIONS; d++) vector[d] = random();
    const hash = new Uint8Array(16);
    new DataView(hash.buffer).setUint32(0, i);
    insert.run(`item-${i}`, new Uint8Array(vector.buffer.slice(0)), hash);
  }
  db.exec('COMMIT');
  db.close();
}

/** Peak resident set size of one `llm similar` run, in MB. */
function peakRss(env, args) {
  const file = join(env.LLM_USER_PATH, 'max-rss.txt');
  timeRun(process.execPath, ['--import', MAX_RSS, ...args], { env: { ...env, LLM_BENCH_RSS_FILE: file } });
  return Number(readFileSync(file, 'utf8')) / 1024;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
