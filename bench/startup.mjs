// Start-up: `llm --version` and `llm models list` against `node -e 0`, measured side by side in
// the same run (interleaved in random order, so load on the machine hits all three alike).
// Target (issue 2): the median of each at most 2.5x the median of `node -e 0`.
import { cli, median, percentile, printTable, scratchDir, shuffle, timeRun } from './lib.mjs';

export const name = 'start-up';

export async function run({ runs = Number(process.env.BENCH_RUNS ?? 40) } = {}) {
  const userDir = scratchDir();
  const env = { ...process.env, LLM_USER_PATH: userDir };
  delete env.NODE_OPTIONS;
  const cases = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'llm --version', args: [cli, '--version'] },
    { label: 'llm models list', args: [cli, 'models', 'list'] },
  ];
  const samples = new Map(cases.map((c) => [c.label, []]));
  for (const c of cases) for (let i = 0; i < 3; i++) timeRun(process.execPath, c.args, { env, cwd: userDir });
  for (let i = 0; i < runs; i++) {
    for (const c of shuffle([...cases])) samples.get(c.label).push(timeRun(process.execPath, c.args, { env, cwd: userDir }));
  }
  const baseline = median(samples.get('node -e 0'));
  const results = cases.map((c) => {
    const values = samples.get(c.label);
    const ratio = median(values) / baseline;
    return { label: c.label, median: median(values), p90: percentile(values, 90), ratio, target: c.label === 'node -e 0' ? null : 2.5 };
  });
  printTable(
    ['command', 'median ms', 'p90 ms', 'x node -e 0', 'target', 'ok'],
    results.map((r) => [r.label, r.median.toFixed(1), r.p90.toFixed(1), r.ratio.toFixed(2), r.target ? `<= ${r.target}x` : '', r.target ? (r.ratio <= r.target ? 'yes' : 'NO') : '']),
  );
  return { ok: results.every((r) => !r.target || r.ratio <= r.target), results };
}
