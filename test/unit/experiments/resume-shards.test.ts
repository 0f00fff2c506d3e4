import echoPlugin from '../../../default-plugins/echo/index.js';
import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import sqliteLogger from '../../../default-plugins/sqlite-logger/index.js';
import { bot } from '../../../default-plugins/experiments/lib/bot.js';
import { experiment } from '../../../default-plugins/experiments/lib/experiment.js';
import { inShard, parseShard, shardedExperimentId, shardIndexes } from '../../../default-plugins/experiments/lib/shards.js';
import { createLlm } from '../../../src/host/llm.js';
import { availableEngines, openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { join } from 'node:path';

const engineObjects = await availableEngines();

describe('shards', () => {
  it('reads K/N and refuses anything else with the fix', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '3', 'a/b', '1/0', '-1/4']) expect(() => parseShard(bad)).toThrow(/--shard takes K\/N/);
  });

  it('deals the runs out so that the slices are disjoint and cover every run', () => {
    const all = [1, 2, 3, 4].flatMap((index) => shardIndexes(10, [{ index, count: 4 }]));
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shardIndexes(10, [{ index: 2, count: 4 }])).toEqual([1, 5, 9]);
    expect(inShard(7, { index: 4, count: 4 })).toBe(true);
    expect(shardIndexes(3, [])).toEqual([0, 1, 2]);
  });

  it('gives every shard of one sharded run the same ULID-shaped id, and another group another id', () => {
    const id = shardedExperimentId({ name: 'pitch', executions: 200, shards: 4, group: 'abc' });
    expect(id).toMatch(/^[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    expect(shardedExperimentId({ name: 'pitch', executions: 200, shards: 4, group: 'abc' })).toBe(id);
    expect(shardedExperimentId({ name: 'pitch', executions: 200, shards: 4, group: 'abd' })).not.toBe(id);
    expect(shardedExperimentId({ name: 'pitch', executions: 200, shards: 8, group: 'abc' })).not.toBe(id);
  });
});

describe.each(engineObjects.map((engine) => engine.name))('resume and shards on %s', (engine) => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  const host = () =>
    createLlm({
      userDir: dir.path,
      env: { LLM_SQLITE_ENGINE: engine },
      defaultPlugins: false,
      loadInstalled: false,
      plugins: [echoPlugin, sqliteLogger, experimentsPlugin],
    });
  const query = <T>(sql: string, params: string[] = [], file = 'logs.db'): T[] => {
    const db = openDatabase(engineObjects.find((e) => e.name === engine)!, join(dir.path, file));
    try {
      return db.all<T & object>(sql, params);
    } finally {
      db.close();
    }
  };

  it('resume keeps the logged runs, runs the missing ones into the same experiment, and counts all of them', async () => {
    const llm = await host();
    const echo = bot({ model: 'echo' });
    const seen: number[] = [];
    // Stops after 5 runs have finished: the rest never start.
    const stop = new AbortController();
    let finished = 0;
    const make = () =>
      experiment(
        'resumable',
        async ({ index }) => {
          seen.push(index);
          return echo(`run ${index}`).text();
        },
        { executions: 12, concurrency: 1, metrics: ['length'] },
      );
    const first = await make().run({ llm, signal: stop.signal, graceMs: 10_000, onRun: () => ++finished === 5 && stop.abort() });
    expect(first).toMatchObject({ status: 'interrupted', finished: 5, notStarted: 7 });
    expect(query<{ status: string }>('SELECT status FROM experiments')).toEqual([{ status: 'interrupted' }]);

    seen.length = 0;
    const second = await make().run({ llm, resume: first.id! });
    expect(second).toMatchObject({ id: first.id, status: 'completed', finished: 12, ok: 12, resumed: 5, notStarted: 0 });
    expect(second.metrics[0]).toMatchObject({ name: 'length', n: 12 });
    expect(seen).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(query<{ n: number; runs: number }>('SELECT COUNT(*) AS n, COUNT(DISTINCT run_index) AS runs FROM experiment_runs')).toEqual([{ n: 12, runs: 12 }]);
    expect(query('SELECT id, status FROM experiments')).toEqual([{ id: first.id, status: 'completed' }]);

    // Nothing left: resuming again runs nothing and keeps the result.
    seen.length = 0;
    const third = await make().run({ llm, resume: first.id! });
    expect(third).toMatchObject({ status: 'completed', finished: 12, resumed: 12 });
    expect(seen).toEqual([]);
  });

  it('refuses to resume an experiment with another of another name', async () => {
    const llm = await host();
    const result = await experiment('one', () => 'x', { executions: 1 }).run({ llm });
    await expect(experiment('two', () => 'x').run({ llm, resume: result.id! })).rejects.toThrow(`Experiment ${result.id} is 'one', not 'two'`);
  });

  it('shards log to one experiment id, each its own slice; a shard run twice into a log is refused with the fix; resume finishes a shard', async () => {
    const llm = await host();
    const make = () => experiment('sharded', ({ index }) => `out ${index}`, { executions: 10, concurrency: 2 });
    const results = [];
    for (const index of [1, 2]) results.push(await make().run({ llm, shard: { index, count: 3 }, shardGroup: 'g1', database: join(dir.path, `shard-${index}.db`) }));
    expect(results[0]!.id).toBe(results[1]!.id);
    expect(results.map((r) => [r.finished, r.shard])).toEqual([
      [4, { index: 1, count: 3 }],
      [3, { index: 2, count: 3 }],
    ]);
    expect(query<{ run_index: number }>('SELECT run_index FROM experiment_runs ORDER BY run_index', [], 'shard-2.db').map((r) => r.run_index)).toEqual([1, 4, 7]);
    expect(query('SELECT shard, shards, status FROM experiment_shards', [], 'shard-2.db')).toEqual([{ shard: 2, shards: 3, status: 'completed' }]);
    await expect(make().run({ llm, shard: { index: 2, count: 3 }, shardGroup: 'g1', database: join(dir.path, 'shard-2.db') })).rejects.toThrow(
      /Shard 2\/3 of experiment 'sharded' \(\w+\) is in .*shard-2\.db already: continue it with 'llm experiments resume \w+', or give --shard-group/,
    );
    // Shard 3 stops after one run; resume runs the rest of shard 3 only.
    const stop = new AbortController();
    const third = await make().run({ llm, shard: { index: 3, count: 3 }, shardGroup: 'g1', database: join(dir.path, 'shard-3.db'), concurrency: 1, signal: stop.signal, onRun: () => stop.abort() });
    expect(third).toMatchObject({ id: results[0]!.id, status: 'interrupted', finished: 1 });
    const resumed = await make().run({ llm, resume: third.id!, database: join(dir.path, 'shard-3.db') });
    expect(resumed).toMatchObject({ status: 'completed', finished: 3, resumed: 1, shard: { index: 3, count: 3 } });
    expect(query<{ run_index: number }>('SELECT run_index FROM experiment_runs ORDER BY run_index', [], 'shard-3.db').map((r) => r.run_index)).toEqual([2, 5, 8]);
    expect(query('SELECT shard, status FROM experiment_shards', [], 'shard-3.db')).toEqual([{ shard: 3, status: 'completed' }]);
  });
});
