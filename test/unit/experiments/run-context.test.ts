import { setTimeout as sleep } from 'node:timers/promises';
import echoPlugin from '../../../default-plugins/echo/index.js';
import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import { bot } from '../../../default-plugins/experiments/lib/bot.js';
import { experiment, type RunRecord } from '../../../default-plugins/experiments/lib/experiment.js';
import { prompt } from '../../../default-plugins/experiments/lib/prompt-function.js';
import { addRunInfo, currentRun } from '../../../default-plugins/experiments/lib/run-context.js';
import { createLlm } from '../../../src/host/llm.js';

const host = () => createLlm({ userDir: '/nonexistent-user-dir', env: {}, defaultPlugins: false, loadInstalled: false, plugins: [echoPlugin, experimentsPlugin] });

describe('run contexts', () => {
  it('keep concurrent runs apart: each logs only its own prompts, bots, responses and info', async () => {
    const llm = await host();
    // One prompt function and one bot per run index, so any mix-up shows.
    const prompts = Array.from({ length: 12 }, (_, i) => prompt('user', `Run ${i} says {{ word }}`, { name: `p${i}` }));
    const bots = Array.from({ length: 12 }, (_, i) => bot({ name: `b${i}`, model: 'echo', options: { delay: (i * 7) % 5 } }));
    const runs: RunRecord[] = [];
    const exp = experiment(
      'isolation',
      async ({ index, runId }) => {
        expect(currentRun()?.id).toBe(runId);
        await sleep((index * 13) % 7);
        addRunInfo({ index });
        const first = await bots[index]!(prompts[index]!({ word: 'one' })).text();
        await sleep((index * 5) % 3);
        const second = await bots[index]!(prompts[index]!({ word: 'two' })).text();
        addRunInfo({ seen: currentRun()?.index });
        return `${first} | ${second}`;
      },
      { executions: 12, concurrency: 12 },
    );
    const result = await exp.run({ llm, log: false, onRun: (run) => runs.push(run) });
    expect(result.ok).toBe(12);
    for (const run of runs) {
      const i = run.index;
      expect(run.info).toEqual({ index: i, seen: i });
      expect(run.prompts.map((p) => p.name)).toEqual([`p${i}`]);
      expect(run.bots.map((b) => b.name)).toEqual([`b${i}`]);
      expect(run.responses.map((r) => r.source)).toEqual([`b${i}`, `b${i}`]);
      expect(run.output).toContain(`Prompt: Run ${i} says one`);
      expect(run.output).toContain(`Prompt: Run ${i} says two`);
    }
    expect(new Set(runs.flatMap((r) => r.responses.map((x) => x.id))).size).toBe(24);
    expect(currentRun()).toBeUndefined();
  });

  it('a nested experiment runs in its own contexts and leaves its parent’s run untouched', async () => {
    const llm = await host();
    const outer = prompt('user', 'outer {{ n }}', { name: 'outer' });
    const inner = prompt('user', 'inner {{ n }}', { name: 'inner' });
    const echo = bot({ name: 'echo-bot', model: 'echo' });
    const innerRuns: RunRecord[] = [];
    const parentRuns: RunRecord[] = [];
    const child = experiment('child', async ({ index }) => echo(inner({ n: index })).text(), { executions: 3, concurrency: 2 });
    const parent = experiment(
      'parent',
      async ({ index, runId }) => {
        await echo(outer({ n: index })).text();
        const nested = await child.run({ llm, log: false, onRun: (run) => innerRuns.push(run) });
        expect(currentRun()?.id).toBe(runId);
        addRunInfo({ nested: nested.ok });
        return index;
      },
      { executions: 2, concurrency: 2 },
    );
    await parent.run({ llm, log: false, onRun: (run) => parentRuns.push(run) });
    expect(innerRuns).toHaveLength(6);
    for (const run of parentRuns) {
      expect(run.prompts.map((p) => p.name)).toEqual(['outer']);
      expect(run.responses).toHaveLength(1);
      expect(run.info).toEqual({ nested: 3 });
    }
    for (const run of innerRuns) {
      expect(run.prompts.map((p) => p.name)).toEqual(['inner']);
      expect(run.responses).toHaveLength(1);
    }
  });

  it('checks its settings and the run options', async () => {
    const llm = await host();
    expect(() => experiment('', () => 1)).toThrow('an experiment needs a name of 1 to 200 characters (got "")');
    expect(() => experiment('x', 'nope' as never)).toThrow("experiment 'x' needs a pipeline function (got string)");
    expect(() => experiment('x', () => 1, { executions: 0 })).toThrow("experiment 'x': executions must be a whole number of at least 1 (got 0)");
    expect(() => experiment('x', () => 1, { concurrency: -2 })).toThrow("experiment 'x': concurrency must be a whole number of at least 1 (got -2)");
    expect(() => experiment('x', () => 1, { timeoutMs: 0 })).toThrow("experiment 'x': timeoutMs must be a positive number of milliseconds (got 0)");
    expect(() => experiment('x', () => 1, { inputs: [] })).toThrow("experiment 'x': inputs must be a non-empty array");
    await expect(experiment('x', () => 1).run({ llm, log: false, executions: 2.5 })).rejects.toThrow('executions must be a whole number of at least 1 (got 2.5)');
    await expect(experiment('x', () => 1).run({ llm, log: false, concurrency: 0 })).rejects.toThrow('concurrency must be a whole number of at least 1 (got 0)');
  });

  it('cycles through inputs, which metrics see too', async () => {
    const llm = await host();
    const seen: unknown[] = [];
    const result = await experiment('inputs', ({ input }) => input.toUpperCase(), {
      inputs: ['a', 'b', 'c'],
      executions: 5,
      metrics: [{ name: 'same', score: (output: unknown, { input }) => (seen.push(input), output === String(input).toUpperCase()) }],
    }).run({ llm, log: false });
    expect(result.metrics[0]).toMatchObject({ n: 5, mean: 1 });
    expect(seen.sort()).toEqual(['a', 'a', 'b', 'b', 'c']);
  });

  it('starts the first runs one event-loop turn apart, so their synchronous work does not interleave', async () => {
    const llm = await host();
    const steps: string[] = [];
    const exp = experiment(
      'staggered',
      async ({ index }) => {
        steps.push(`start ${index}`);
        // Work that needs only microtasks (a cached lookup, say) runs to its end before the next run starts.
        for (let i = 0; i < 5; i++) await Promise.resolve();
        steps.push(`ready ${index}`);
        await sleep(5);
        return 'done';
      },
      { executions: 3, concurrency: 3 },
    );
    const result = await exp.run({ llm, log: false });
    expect(result.ok).toBe(3);
    expect(steps).toEqual(['start 0', 'ready 0', 'start 1', 'ready 1', 'start 2', 'ready 2']);
  });
});
