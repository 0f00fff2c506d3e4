import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import { experiment } from '../../../default-plugins/experiments/lib/experiment.js';
import { PauseGate } from '../../../default-plugins/experiments/services/pause-gate.js';
import { createLlm } from '../../../src/host/llm.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Pausing an experiment (the live view's `p`): the runner asks `beforeRun` before each run starts.

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

const host = () => createLlm({ userDir: dir.path, env: {}, defaultPlugins: false, loadInstalled: false, plugins: [experimentsPlugin] });

/** Resolves once `check` holds, checking after each turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('pausing an experiment', () => {
  it('starts no run while paused, and every run once resumed', async () => {
    const gate = new PauseGate();
    gate.toggle();
    let asked = 0;
    const started: number[] = [];
    const running = experiment('paused', ({ index }) => void started.push(index), { executions: 3, concurrency: 2 }).run({
      llm: await host(),
      log: false,
      beforeRun: () => {
        asked++;
        return gate.wait();
      },
    });
    await until(() => asked === 2);
    expect(started).toEqual([]);
    expect(gate.toggle()).toBe(false);
    const result = await running;
    expect(result).toMatchObject({ status: 'completed', finished: 3, ok: 3 });
    expect(started.sort()).toEqual([0, 1, 2]);
  });

  it('stopping while paused lets the held workers end: nothing more starts', async () => {
    const gate = new PauseGate();
    const stop = new AbortController();
    let asked = 0;
    const started: number[] = [];
    const running = experiment('stopped', ({ index }) => {
      started.push(index);
      if (index === 0) gate.toggle();
    }, { executions: 5, concurrency: 1 }).run({
      llm: await host(),
      log: false,
      signal: stop.signal,
      beforeRun: () => {
        asked++;
        return gate.wait();
      },
    });
    // Run 0 pauses the experiment; the worker then waits before run 1.
    await until(() => asked === 2);
    expect(gate.paused).toBe(true);
    stop.abort();
    gate.release();
    const result = await running;
    expect(started).toEqual([0]);
    expect(result).toMatchObject({ status: 'interrupted', finished: 1, notStarted: 4 });
  });
});
