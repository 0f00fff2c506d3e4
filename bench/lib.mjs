// Shared helpers for the benchmarks: timing child processes and summarizing samples.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(root, 'bin', 'run.js');

/** A temporary directory for a benchmark's user directory and files. */
export function scratchDir(prefix = 'llm-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Wall time of one run of a command, in milliseconds; throws if it fails. */
export function timeRun(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

/**
 * Wall time of one run of a command, in milliseconds, without blocking this process (a fake server
 * in this process must keep answering); rejects if it fails.
 */
export function timeRunAsync(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
    let stderr = '';
    child.stderr.on('data', (data) => (stderr += data));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`));
      else resolve(ms);
    });
  });
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0-100), nearest rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Prints a table of rows (arrays of cells) with a header. */
export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Shuffles an array in place (Fisher-Yates). */
export function shuffle(items) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** The fake OpenAI server, compiled from its TypeScript source into node_modules/.cache (so its imports resolve). */
export async function loadFakeServer() {
  const outdir = join(root, 'node_modules', '.cache', 'llm-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'fake-openai-server.mjs');
  await build({ entryPoints: [join(root, 'test/helpers/fake-openai-server.ts')], outfile, bundle: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'warning' });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}
