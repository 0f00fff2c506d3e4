import { render } from 'ink-testing-library';
import { ExperimentView } from '../../../default-plugins/experiments/ui/experiment-view.js';
import { ExperimentProgress } from '../../../default-plugins/experiments/lib/progress.js';
import type { ResolvedMetric } from '../../../default-plugins/experiments/lib/metric.js';
import type { ProgressSnapshot } from '../../../default-plugins/experiments/lib/progress.js';

const metrics: ResolvedMetric[] = [
  { name: 'words', description: undefined, better: 'higher', metric: { name: 'words', score: () => 0 }, options: {} },
  { name: 'on-topic', description: undefined, better: 'higher', metric: { name: 'on-topic', score: () => 0 }, options: {} },
];

/** A snapshot as the runner would make it: 6 of 10 runs finished, one failed, with metric values. */
function snapshot(): ProgressSnapshot {
  const progress = new ExperimentProgress('pitch', 10, metrics);
  const words = [40, 44, 38, 41, 42];
  for (let i = 0; i < 8; i++) progress.runStarted();
  for (const [i, n] of words.entries()) {
    progress.runFinished({
      id: `r${i}`, index: i, status: 'ok', startedAt: '', durationMs: 10, pipelineMs: 10, info: {}, prompts: [], bots: [], responses: [],
      metrics: { words: { value: n, kind: 'integer' }, 'on-topic': i === 2 ? { value: null, error: "metric 'on-topic' failed: judge unreachable" } : { value: i % 2, kind: 'boolean' } },
    });
  }
  progress.runFinished({ id: 'r5', index: 5, status: 'error', error: 'timed out after 30 s', startedAt: '', durationMs: 30_000, pipelineMs: 30_000, info: {}, prompts: [], bots: [], responses: [], metrics: {} });
  return { ...progress.snapshot(), elapsedMs: 12_300, etaMs: 8_200 };
}

describe('the live experiment view', () => {
  it('shows progress, counts, timing, each metric’s running mean and interval, and the latest errors', () => {
    const s = snapshot();
    const { lastFrame, unmount } = render(<ExperimentView snapshot={s} file="examples/experiments/pitch.ts" />);
    const frame = lastFrame()!;
    const lines = frame.split('\n');
    expect(lines[0]).toBe('Experiment pitch · examples/experiments/pitch.ts');
    expect(lines[1]).toMatch(/^█{15}█{3}░{12}\s+6\/10\s+60%$/);
    expect(lines[2]).toBe('done 5 · failed 1 · running 2 · elapsed 12.3 s · eta 8.2 s');
    expect(lines).toContain('metric     mean  95% CI          n');
    expect(frame).toMatch(/words\s+41\s+\[38\.\d\d, 43\.\d\d\]\s+5/);
    // 2 of 4 true: Wilson's interval, and the run whose metric failed is counted as an error.
    expect(frame).toMatch(/on-topic\s+50\.0%\s+\[15\.0%, 85\.0%\]\s+4\s+1 error/);
    expect(frame).toContain('Latest errors');
    expect(frame).toContain("#2 metric 'on-topic' failed: judge unreachable");
    expect(frame).toContain('#5 timed out after 30 s');
    expect(frame).not.toContain('Stopping');
    unmount();
  });

  it('says when it is stopping, and shows no errors section without errors', () => {
    const progress = new ExperimentProgress('quiet', 3, []);
    progress.runStarted();
    progress.stopping = true;
    const { lastFrame, unmount } = render(<ExperimentView snapshot={progress.snapshot()} />);
    const frame = lastFrame()!;
    expect(frame).toContain('Experiment quiet');
    expect(frame).toContain('eta -');
    expect(frame).toContain('Stopping: no new runs start; waiting for the running ones (Ctrl-C again cancels them).');
    expect(frame).toContain('no metrics');
    expect(frame).not.toContain('Latest errors');
    unmount();
  });
});
