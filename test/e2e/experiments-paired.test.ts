import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cliEnv, cliPath, collect, repoRoot, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// `llm experiments compare` and `plan` on two experiments over the same 20 inputs (2 executions
// each), through the built CLI. The fixture (test/fixtures/experiments/pairs.mjs) needs no model.
//
// Reference values from SciPy 1.17 and statsmodels 0.13.5, per metric, on the per-input means:
//   r = scipy.stats.ttest_rel(b_means, a_means); r.pvalue; r.confidence_interval(0.95)
//   statsmodels.stats.multitest.multipletests([p_score, p_high, p_small, p_flat], method='holm')
//     (p_flat = 1: every difference is 0, where SciPy gives nan)
//   plan: the smallest n with nct.sf(c, n-1, ncp) + nct.cdf(-c, n-1, ncp) >= 0.8, c = t.ppf(0.975, n-1),
//     ncp = delta / (sd / sqrt(n)), sd = sqrt(between + within / r), within = the sum of both sides'
//     pooled within-input variances, between = max(0, var(d) - within_A / 2 - within_B / 2)
//   score: mean A 5.275, B 5.575, d 0.3, p 1.8301630501152528e-08, CI [0.23209333268660423, 0.36790666731339583], Holm 7.320652200461011e-08
//   high:  52.5% -> 55%, d 0.025, p 0.3298768009211248, CI [-0.027325601360206564, 0.07732560136020657], Holm 0.9896304027633744
//   small: d 0.010000000000000153, p 0.7009673189247408, CI [-0.043684934255409265, 0.06368493425540957], Holm 1
//   plan small, delta 0.05: between 0, within 0.1875; r = 1, 2, 3, 5, 10 -> 591, 297, 199, 120, 61 inputs
//   plan small, delta 0.01 (observed): r = 2 -> 7361 inputs

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'experiments', 'pairs.mjs');
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  dir = tempDir('llm-experiments-paired-');
  expect((await runCli(['experiments', 'run', FIXTURE], dir.path)).code).toBe(0);
  expect((await runCli(['experiments', 'run', FIXTURE], dir.path, { env: { VARIANT: 'B' } })).code).toBe(0);
});
afterAll(() => dir.remove());
const run = (args: string[]) => runCli(args, dir.path);

interface JsonMetric {
  name: string;
  method: string;
  inputs: number | null;
  executionsA: number;
  executionsB: number;
  difference: number;
  ci: { low: number; high: number } | null;
  pValue: number | null;
  pAdjusted: number | null;
  significant: boolean;
  verdict: string;
  perInput: { input: string; difference: number }[];
  plan: { rows: { executionsPerInput: number; inputs: number | null }[] } | null;
}

describe('llm experiments compare, paired by input', () => {
  it('reports the paired interval, Holm-adjusted and raw p-values, n, and the planner numbers', async () => {
    const text = await run(['experiments', 'compare', 'pairs~1', 'pairs']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain('Paired by input: both ran the same 20 inputs;');
    expect(text.stdout).toMatch(/ {2}metric +n +mean A +mean B +B - A +95% CI +p +p \(Holm\) +verdict +method\n/);
    expect(text.stdout).toMatch(/ {2}score +20 inputs \(40\/40 runs\) +5\.28 +5\.58 +\+0\.300 +\[\+0\.232, \+0\.368\] +<1e-6 +<1e-6 +\* +better \(higher is better\) +paired t\n/);
    expect(text.stdout).toMatch(/ {2}high +20 inputs \(40\/40 runs\) +52\.5% +55\.0% +\+2\.5 pts +\[-2\.7, \+7\.7\] pts +0\.33 +0\.99 +not enough runs +paired t\n/);
    expect(text.stdout).toMatch(/ {2}flat +20 inputs \(40\/40 runs\) +1 +1 +±0 +\[0, 0\] +1 +1 +no significant difference +paired t\n/);
    expect(text.stdout).toContain("* significant at 5% after Holm's correction across the 4 metrics");
    expect(text.stdout).toContain('  small: not enough runs: a difference of 0.0100 needs 7361 inputs at 2 executions each (14722 runs; there are 20)');

    const json = JSON.parse((await run(['experiments', 'compare', 'pairs~1', 'pairs', '--json'])).stdout) as { paired: boolean; correction: string; metrics: JsonMetric[] };
    expect(json).toMatchObject({ paired: true, correction: 'holm' });
    const by = Object.fromEntries(json.metrics.map((m) => [m.name, m]));
    expect(by.score).toMatchObject({ method: 'paired-t', inputs: 20, executionsA: 40, executionsB: 40, significant: true, verdict: 'better' });
    expect(by.score!.difference).toBeCloseTo(0.3, 12);
    expect(by.score!.pValue).toBeCloseTo(1.8301630501152528e-8, 18);
    expect(by.score!.pValue! / 1.8301630501152528e-8).toBeCloseTo(1, 8);
    expect(by.score!.pAdjusted! / 7.320652200461011e-8).toBeCloseTo(1, 8);
    expect(by.score!.ci!.low).toBeCloseTo(0.23209333268660423, 11);
    expect(by.score!.ci!.high).toBeCloseTo(0.36790666731339583, 11);
    expect(by.score!.perInput).toHaveLength(20);
    expect(by.score!.perInput[0]).toEqual({ input: '{"id":0}', difference: expect.closeTo(0.1, 12) });
    expect(by.high!.pValue).toBeCloseTo(0.3298768009211248, 12);
    expect(by.high!.pAdjusted).toBeCloseTo(0.9896304027633744, 12);
    expect(by.high!.ci!.low).toBeCloseTo(-0.027325601360206564, 12);
    expect(by.high!.ci!.high).toBeCloseTo(0.07732560136020657, 12);
    expect(by.small!.pValue).toBeCloseTo(0.7009673189247408, 12);
    expect(by.small!.pAdjusted).toBe(1);
    expect(by.small!.ci!.low).toBeCloseTo(-0.043684934255409265, 12);
    expect(by.flat).toMatchObject({ difference: 0, ci: { low: 0, high: 0 }, pValue: 1, pAdjusted: 1, significant: false, plan: null });
    expect(by.small!.plan!.rows.find((row) => row.executionsPerInput === 2)!.inputs).toBe(7361);

    // Without the correction, raw p-values decide; high is still not significant.
    const none = JSON.parse((await run(['experiments', 'compare', 'pairs~1', 'pairs', '--json', '--correction', 'none'])).stdout) as { metrics: JsonMetric[] };
    expect(none.metrics.map((m) => m.pAdjusted)).toEqual(none.metrics.map((m) => m.pValue));
    // --fail-on-regression uses the adjusted p-values: score got better, so nothing fails.
    expect((await run(['experiments', 'compare', 'pairs', 'pairs~1', '--fail-on-regression', 'high'])).code).toBe(0);
    const regression = await run(['experiments', 'compare', 'pairs', 'pairs~1', '--fail-on-regression', 'score']);
    expect(regression.code).toBe(1);
    expect(regression.stderr).toMatch(/^Error: Regression: score got significantly worse \(higher is better\): 5\.58 -> 5\.28, difference -0\.300, 95% CI \[-0\.368, -0\.232\], p <1e-6 \(Holm\)\n$/);
    expect(await run(['experiments', 'compare', 'pairs~1', 'pairs', '--correction', 'bonferroni'])).toMatchObject({ code: 2 });
  });

  it('plans inputs and executions per input from the paired variance, or from one experiment', async () => {
    const plan = await run(['experiments', 'plan', 'pairs~1', 'pairs', '--metric', 'small', '--detect', '0.05']);
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    expect(plan.stdout).toContain('To detect a difference of 0.0500 in small with 80% power (two-sided, 5%):\n  based on paired by input: the variance of the per-input differences over 20 inputs.');
    const rows = plan.stdout.split('\n').filter((line) => /^ +\d+ +\d+ +\d+$/.test(line)).map((line) => line.trim().split(/ +/).map(Number));
    expect(rows).toEqual([
      [1, 591, 591],
      [2, 297, 594],
      [3, 199, 597],
      [5, 120, 600],
      [10, 61, 610],
    ]);
    const single = JSON.parse((await run(['experiments', 'plan', 'pairs', '--metric', 'score', '--detect', '0.5', '--json'])).stdout) as { plan: { design: string; rows: { inputs: number }[] } };
    expect(single.plan.design).toBe('two-sample');
    expect(single.plan.rows[0]!.inputs).toBeGreaterThan(100); // inputs differ a lot (0 to 10): independent samples need many
    expect(await run(['experiments', 'plan', 'pairs', '--metric', 'nope', '--detect', '1'])).toMatchObject({
      code: 2,
      stderr: "Error: --metric nope: experiment pairs has no metric 'nope' (it has score, high, small, flat).\n",
    });
    expect(await run(['experiments', 'plan', 'pairs', '--metric', 'score', '--detect', '0'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Error: --detect 0: give the difference/) });
    expect(await run(['experiments', 'plan', 'pairs', '--metric', 'score', '--detect', '1', '--power', '2'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Error: --power 2: give a number between 0 and 1/) });
  });

  // Node can hang as a process ends while V8 still compiles in the background (nodejs/node#54918;
  // see src/cli/quiesce-jit.ts). Before the fix, about every second run of this command with
  // sql.js and stdin on /dev/null slept forever after printing its plan (with stdin a pipe, about
  // one in twenty); ten runs in a row that all end show it is gone.
  it('ends every run by itself, however V8 was compiling at the end', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) outcomes.push(await planUntilKilled());
    expect(outcomes).toEqual(Array(10).fill('exited 0'));
  }, 200_000);
});

/** Runs `experiments plan` with sql.js and no stdin; a run still going after 15 s is killed. */
async function planUntilKilled(): Promise<string> {
  const child = spawn(process.execPath, [cliPath, 'experiments', 'plan', 'pairs', '--metric', 'score', '--detect', '0.5', '--json'], {
    cwd: dir.path,
    env: cliEnv(dir.path, { LLM_SQLITE_ENGINE: 'sql.js' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, 15_000);
  const result = await collect(child);
  clearTimeout(timer);
  return killed ? 'still running after 15 s' : `exited ${result.code}`;
}
