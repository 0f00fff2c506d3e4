import { jest } from '@jest/globals';
import echoPlugin from '../../../default-plugins/echo/index.js';
import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import { selectEngine } from '../../../default-plugins/sqlite-logger/engines/select.js';
import type { ImageEngine } from '../../../default-plugins/sqlite-logger/engines/types.js';
import sqliteLogger from '../../../default-plugins/sqlite-logger/index.js';
import { WriteQueue } from '../../../default-plugins/sqlite-logger/write-queue.js';
import { bot } from '../../../default-plugins/experiments/lib/bot.js';
import { experiment } from '../../../default-plugins/experiments/lib/experiment.js';
import { createLlm } from '../../../src/host/llm.js';
import type { LogStore } from '../../../src/log-store.js';
import { openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { join } from 'node:path';

describe('batched log writes', () => {
  it('1,000 runs on sql.js rewrite the file a handful of times, not once per run or per response', async () => {
    const dir = tempDir();
    // Time stands still (only setTimeout is faked; I/O, setImmediate and microtasks run as usual):
    // no batch is cut short by a slow machine, so the counts below are exact, not a race. The
    // runs' responses wait for their window until the last wave writes them; the experiment's
    // own writes come every 250 runs.
    jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval'] });
    try {
      const llm = await createLlm({
        userDir: dir.path,
        env: { LLM_SQLITE_ENGINE: 'sql.js' },
        defaultPlugins: false,
        loadInstalled: false,
        plugins: [echoPlugin, sqliteLogger, experimentsPlugin],
      });
      // Every write on sql.js loads the file into a new in-memory database: count those.
      const engine = (await selectEngine({ LLM_SQLITE_ENGINE: 'sql.js' })) as ImageEngine;
      const load = engine.load;
      let loads = 0;
      engine.load = (bytes) => {
        loads++;
        return load(bytes);
      };
      // And count the experiment's own writes.
      const logStore = llm.logStore.bind(llm);
      let storeWrites = 0;
      llm.logStore = async (database?: string): Promise<LogStore> => {
        const store = await logStore(database);
        return {
          ...store,
          path: store.path,
          engine: store.engine,
          read: store.read.bind(store),
          write: (work) => (storeWrites++, store.write(work)),
          append: (statements) => (storeWrites++, store.append(statements)),
        };
      };
      const echo = bot({ model: 'echo' });
      try {
        const result = await experiment('many', ({ index }) => echo(`run ${index}`).text(), { executions: 1000, concurrency: 16, metrics: ['length'] }).run({ llm });
        expect(result.ok).toBe(1000);
      } finally {
        engine.load = load;
      }
      // The experiment row; the write queued at run 250, which waits for its runs' responses (the
      // last wave logs them); a second one queued at run 500 behind it, which takes every run
      // finished by then; the last runs with the outcome.
      expect(storeWrites).toBe(4);
      // Each sql.js write loads the file once: those four, then the responses: all but the last
      // wave's in one write, and the last wave's 16 (logged at once) together or one by one.
      expect(loads).toBeGreaterThanOrEqual(storeWrites + 1);
      expect(loads).toBeLessThanOrEqual(storeWrites + 16);
      const db = openDatabase(engine, join(dir.path, 'logs.db'));
      try {
        expect(db.get<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_runs')!.n).toBe(1000);
        expect(db.get<{ n: number }>('SELECT COUNT(*) AS n FROM responses')!.n).toBe(1000);
        expect(db.get<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_run_responses')!.n).toBe(1000);
      } finally {
        db.close();
      }
    } finally {
      jest.useRealTimers();
      dir.remove();
    }
  }, 60_000);
});

describe('WriteQueue', () => {
  const recorder = () => {
    const writes: number[][] = [];
    let fail: Error | undefined;
    const queue = new WriteQueue<number>(async (items) => {
      if (fail) throw fail;
      writes.push([...items]);
    }, 30);
    return { queue, writes, failWith: (error: Error) => (fail = error) };
  };

  it('writes a lone response at once', async () => {
    const { queue, writes } = recorder();
    const written = queue.add(1, false);
    // Written before anything else runs: no window, no timer.
    expect(writes).toEqual([[1]]);
    await written;
  });

  it('holds batch items for the window, so they share one write, and a plain one flushes them', async () => {
    const { queue, writes } = recorder();
    const pending = [queue.add(1, true), queue.add(2, true)];
    await new Promise((resolve) => setTimeout(resolve, 5));
    pending.push(queue.add(3, true));
    await Promise.all(pending);
    expect(writes).toEqual([[1, 2, 3]]);
    const more = [queue.add(4, true), queue.add(5, false)];
    await Promise.all(more);
    expect(writes).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('hands a failed write’s error to everyone in it', async () => {
    const { queue, failWith } = recorder();
    failWith(new Error('disk full'));
    await expect(Promise.all([queue.add(1, true), queue.add(2, true)])).rejects.toThrow('disk full');
  });
});
