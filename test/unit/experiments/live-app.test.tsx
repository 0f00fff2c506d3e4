import { render } from 'ink-testing-library';
import { LiveApp, type LiveAppProps } from '../../../default-plugins/experiments/ui/live-app.js';
import { ExperimentProgress } from '../../../default-plugins/experiments/lib/progress.js';
import type { RunRecord } from '../../../default-plugins/experiments/lib/experiment.js';
import type { ResolvedMetric } from '../../../default-plugins/experiments/lib/metric.js';
import { compareWithBaseline } from '../../../default-plugins/experiments/services/live-comparison.js';
import type { ExperimentDetails, RunRow } from '../../../default-plugins/experiments/services/queries.js';

// The interactive live view through ink-testing-library: keys in, frames out.

const metrics: ResolvedMetric[] = [{ name: 'words', description: undefined, better: 'higher', metric: { name: 'words', score: () => 0 }, options: {} }];

const record = (index: number, input: string, words: number | null, error?: string): RunRecord => ({
  id: `run${index}`,
  index,
  status: error ? 'error' : 'ok',
  ...(error ? { error } : { output: `Pitch for ${input}, take ${index}.` }),
  input: { product: input },
  startedAt: '',
  durationMs: 1400,
  pipelineMs: 212,
  info: {},
  prompts: [],
  bots: [],
  responses: [],
  metrics: error ? {} : { words: { value: words, kind: 'integer' } },
});

/** A logged baseline: inputs a and b, words 10 and 12 for a, 20 for b. */
function baseline(): ExperimentDetails {
  const row = (index: number, product: string, words: number): RunRow => ({
    id: `b${index}`, index, status: 'ok', error: null, startedAt: '', durationMs: 1, pipelineMs: 1, input: { product }, output: 'x', info: null, metrics: { words }, metricErrors: {}, responses: [],
  });
  return {
    experiment: { id: '01baseline', name: 'pitch', description: null, file: null, info: null, executions: 3, concurrency: 1, timeout_ms: null, status: 'completed', started_at: '', finished_at: null, duration_ms: 1, llm_version: null, pid: null, host: null },
    metrics: [{ name: 'words', description: null, better: 'higher', kind: 'integer' }],
    runs: [row(0, 'a', 10), row(1, 'b', 20), row(2, 'a', 12)],
    prompts: [],
    bots: [],
  };
}

function world(runs: RunRecord[]) {
  const progress = new ExperimentProgress('pitch', 6, metrics);
  for (const run of runs) {
    progress.runStarted();
    progress.runFinished(run);
  }
  progress.runStarted();
  const calls: string[] = [];
  const details = baseline();
  const props = (paused = false): LiveAppProps => ({
    snapshot: { ...progress.snapshot(), elapsedMs: 5000, etaMs: 1000 },
    runs,
    paused,
    file: 'pitch.ts',
    baseline: { reference: 'pitch~1', compare: (finished, results) => compareWithBaseline(details, 'pitch~1', finished, results) },
    controls: { togglePause: () => calls.push('pause'), stop: () => calls.push('stop'), interrupt: () => calls.push('interrupt') },
  });
  return { calls, props };
}

/** Waits until the frame shows what it should (Ink draws after the key is handled). */
async function frameWith(lastFrame: () => string | undefined, expected: string | RegExp): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const frame = lastFrame() ?? '';
    if (typeof expected === 'string' ? frame.includes(expected) : expected.test(frame)) return frame;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the frame never showed ${String(expected)}; it shows:\n${lastFrame()}`);
}

const UP = '\u001B[A';
const DOWN = '\u001B[B';
const ESC = '\u001B';

describe('the interactive live view', () => {
  it('shows the keys; p, q and Ctrl-C go to the experiment; paused shows', async () => {
    const { calls, props } = world([record(0, 'a', 13), record(1, 'b', 24)]);
    const app = render(<LiveApp {...props()} />);
    const frame = await frameWith(app.lastFrame, 'q stop');
    expect(frame).toContain('↑↓ select a run · p pause · q stop · m compare with pitch~1');
    expect(frame).toContain('Finished runs (2)');
    expect(frame).toContain('  #1 ok 1.4 s (pipeline 212 ms) words=24');
    app.stdin.write('p');
    app.stdin.write('q');
    app.stdin.write('\u0003');
    for (let i = 0; i < 400 && calls.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toEqual(['pause', 'stop', 'interrupt']);
    app.rerender(<LiveApp {...props(true)} />);
    expect(await frameWith(app.lastFrame, 'p resume')).toContain('Paused: no new runs start; running ones go on (p resumes).');
    app.unmount();
  });

  it('up/down select a finished or failed run; Enter shows it in full; Esc returns', async () => {
    const { props } = world([record(0, 'a', 13), record(1, 'b', 24), record(2, 'a', null, 'model refused: too long')]);
    const app = render(<LiveApp {...props()} />);
    await frameWith(app.lastFrame, 'q stop');
    app.stdin.write(UP);
    expect(await frameWith(app.lastFrame, '› #2')).toContain('› #2 error 1.4 s: model refused: too long');
    app.stdin.write(UP);
    await frameWith(app.lastFrame, '› #1');
    app.stdin.write('\r');
    const detail = await frameWith(app.lastFrame, 'Run #1');
    expect(detail.split('\n')).toEqual(
      expect.arrayContaining(['Run #1 (run1): ok, took 1.4 s (pipeline 212 ms)', 'Input', '  {', '    "product": "b"', 'Output', '  Pitch for b, take 1.', 'Metrics', '  words   24', 'esc back · ↑↓ other runs · q stop']),
    );
    // Up and down move through the runs in the detail too; the failed run shows its error.
    app.stdin.write(DOWN);
    const failed = await frameWith(app.lastFrame, 'Run #2');
    expect(failed).toContain('Error\n  model refused: too long');
    expect(failed).toContain('Output\n  none');
    app.stdin.write(ESC);
    const back = await frameWith(app.lastFrame, 'Finished runs');
    expect(back).toContain('› #2');
    expect(back).toContain('enter show it');
    app.unmount();
  });

  it('m switches the metric table to the paired difference from the baseline, and back', async () => {
    const { props } = world([record(0, 'a', 13), record(1, 'b', 24)]);
    const app = render(<LiveApp {...props()} />);
    expect(await frameWith(app.lastFrame, 'q stop')).toMatch(/metric\s+mean\s+95% CI\s+n/);
    app.stdin.write('m');
    const frame = await frameWith(app.lastFrame, 'Against pitch~1');
    // Per input, now - baseline: a 13 - 11 = 2, b 24 - 20 = 4; mean 3, Student's t over 2 inputs:
    // R t.test(c(2, 4)) gives the 95% interval -9.706205 15.706205.
    expect(frame).toContain('Against pitch~1 (01baseline), paired by input; now - baseline');
    expect(frame).toMatch(/metric +baseline +now +difference +95% CI +n +method\n/);
    expect(frame).toMatch(/words +14 +18\.50 +\+3 +\[-9\.71, \+15\.71\] +2 inputs +paired t/);
    expect(frame).toContain('m show means');
    app.stdin.write('m');
    expect(await frameWith(app.lastFrame, 'm compare with')).toMatch(/metric\s+mean\s+95% CI\s+n/);
    app.unmount();
  });

  it('the last frame has no keys and no run list', () => {
    const { props } = world([record(0, 'a', 13)]);
    const app = render(<LiveApp {...props(true)} final />);
    const frame = app.lastFrame()!;
    expect(frame).toContain('Experiment pitch');
    expect(frame).not.toContain('q stop');
    expect(frame).not.toContain('Finished runs');
    expect(frame).not.toContain('Paused');
    app.unmount();
  });
});

describe('the comparison with a baseline', () => {
  it('is unpaired when the runs have an input the baseline never ran', () => {
    const details = baseline();
    const progress = new ExperimentProgress('pitch', 2, metrics);
    const runs = [record(0, 'a', 13), record(1, 'c', 15)];
    for (const run of runs) progress.runFinished(run);
    const comparison = compareWithBaseline(details, 'pitch', runs, progress.metricResults());
    expect(comparison.paired).toBe(false);
    expect(comparison.metrics[0]).toMatchObject({ name: 'words', baseline: 14, current: 14, difference: 0, method: 'welch', inputs: null, executions: 2 });
  });
});
