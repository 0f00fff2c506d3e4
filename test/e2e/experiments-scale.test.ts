import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOpenAIServer, lastUserMessage, textReply } from '../helpers/fake-openai-server.js';
import { collect, runCli, startCli } from '../helpers/run-cli.js';
import { ageLoggedResponses, availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// Experiments at scale through the built CLI: resume after Ctrl-C and kill -9, shards in
// separate processes merged with `llm logs merge`.

const [engine] = await availableEngines(); // the one the CLI picks by default here

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('llm-experiments-scale-');
});
afterEach(() => dir.remove());

const run = (args: string[]) => runCli(args, dir.path);
const query = <T extends object>(sql: string, file = 'logs.db'): T[] => {
  const path = join(dir.path, file);
  if (!existsSync(path)) return [];
  const db = openDatabase(engine!, path);
  try {
    return db.all<T>(sql);
  } finally {
    db.close();
  }
};
const file = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};
/** Polls until `check` holds (an observable event, not a timing). */
const until = async (check: () => boolean) => {
  const holds = () => {
    try {
      return check();
    } catch {
      return false; // the log is not there yet
    }
  };
  while (!holds()) await new Promise((resolve) => setTimeout(resolve, 20));
};

/** An experiment of `executions` echo runs; from run `gate` on, each waits for the file `release` to exist. */
const gatedExperiment = (executions: number, gate: number) => {
  const release = join(dir.path, 'release');
  const path = file(
    'gated.mjs',
    `import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { bot, experiment } from 'llm-host/experiments';
const echo = bot({ model: 'echo' });
export default experiment('gated', async ({ index }) => {
  while (index >= ${gate} && !existsSync(${JSON.stringify(release)})) await sleep(10);
  return echo('run ' + index).text();
}, { executions: ${executions}, concurrency: 2, metrics: ['length'] });
`,
  );
  return { path, release };
};

describe('llm experiments resume', () => {
  it('after kill -9: keeps the runs logged, runs only the missing ones into the same experiment', async () => {
    const { path, release } = gatedExperiment(8, 3);
    const child = startCli(['experiments', 'run', path], dir.path);
    const done = collect(child);
    // Runs 0-2 finish and are logged; runs 3 and 4 wait. Then the process is killed outright.
    await until(() => query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_runs')[0]?.n === 3);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const [before] = query<{ id: string; status: string }>('SELECT id, status FROM experiments');
    expect(before!.status).toBe('running');

    writeFileSync(release, '');
    const resumed = await run(['experiments', 'resume', 'gated']);
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout).toMatch(new RegExp(`gated \\(${before!.id}\\): completed, 8 of 8 runs \\(3 logged before\\), 8 ok, 0 failed`));
    // One line per run made now: the five missing ones.
    expect(resumed.stdout.split('\n').filter((line) => line.startsWith('['))).toHaveLength(5);
    expect(query('SELECT id, status FROM experiments')).toEqual([{ id: before!.id, status: 'completed' }]);
    expect(query<{ run_index: number }>('SELECT run_index FROM experiment_runs ORDER BY run_index').map((r) => r.run_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const shown = await run(['experiments', 'show', 'gated']);
    expect(shown.stdout).toContain('completed: 8 of 8 runs logged, 8 ok, 0 failed');
    expect(shown.stdout).toMatch(/length +8 /);
  });

  it('after Ctrl-C: the hint names the command, and resume finishes the experiment', async () => {
    const { path, release } = gatedExperiment(6, 2);
    const child = startCli(['experiments', 'run', path], dir.path);
    let printed = 0;
    let pressed = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += (chunk.toString().match(/^\[/gm) ?? []).length;
      if (printed >= 2 && !pressed) {
        pressed = true;
        child.kill('SIGINT');
      }
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The running runs (2 and 3) finish in the grace period.
      if (stderr.includes('Stopping:')) writeFileSync(release, '');
    });
    const stopped = await collect(child);
    expect(stopped.code).toBe(130);
    const [experiment] = query<{ id: string }>('SELECT id FROM experiments');
    expect(stopped.stderr).toContain(`finished runs logged. Run the rest with: llm experiments resume ${experiment!.id}`);
    const logged = query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_runs')[0]!.n;
    const resumed = await run(['experiments', 'resume', experiment!.id, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id: experiment!.id, status: 'completed', finished: 6, ok: 6, resumed: logged });
    expect(query<{ n: number; d: number }>('SELECT COUNT(*) AS n, COUNT(DISTINCT run_index) AS d FROM experiment_runs')).toEqual([{ n: 6, d: 6 }]);
  });

  it('says what is wrong with an experiment it cannot resume', async () => {
    expect((await run(['experiments', 'resume', 'nothing'])).stderr).toContain('No experiments logged yet');
    const { path } = gatedExperiment(1, 5);
    expect((await run(['experiments', 'run', path])).code).toBe(0);
    const missing = await run(['experiments', 'resume', 'nothing']);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toMatch(/^Error: No experiment 'nothing' in the log/);
  });
});

describe('shards and llm logs merge', () => {
  it('four shards in four processes into four logs merge into one log where the experiment counts every run once; merging again adds nothing', async () => {
    const path = file(
      'sharded.mjs',
      `import { bot, experiment } from 'llm-host/experiments';
const echo = bot({ model: 'echo' });
export default experiment('sharded', ({ index }) => echo('run ' + index).text(), { executions: 40, concurrency: 4, metrics: ['length'] });
`,
    );
    const shards = await Promise.all([1, 2, 3, 4].map((k) => run(['experiments', 'run', path, '--shard', `${k}/4`, '-d', `shard-${k}.db`, '--json'])));
    const ids = new Set<string>();
    for (const [i, shard] of shards.entries()) {
      expect(shard.code).toBe(0);
      const summary = JSON.parse(shard.stdout) as { id: string; finished: number; shard: unknown; executions: number };
      expect(summary).toMatchObject({ finished: 10, executions: 40, shard: { index: i + 1, count: 4 } });
      ids.add(summary.id);
    }
    expect(ids.size).toBe(1);

    const merged = await run(['logs', 'merge', 'shard-1.db', 'shard-2.db', 'shard-3.db', 'shard-4.db', '-d', 'all.db']);
    expect(merged).toMatchObject({ code: 0, stderr: '' });
    expect(merged.stdout).toMatch(/shard-1\.db: added .*10 responses/);
    expect(merged.stdout).toContain(`Merged into ${join(dir.path, 'all.db')}`);
    // Each shard's log has the summary of its own runs; the merge copies none (they describe 10 runs, not 40).
    expect(query<{ runs: number }>('SELECT runs FROM experiment_summaries', 'shard-1.db')).toEqual([{ runs: 10 }]);
    expect(query('SELECT experiment_id FROM experiment_summaries', 'all.db')).toEqual([]);
    const shown = await run(['experiments', 'show', 'sharded', '-d', 'all.db']);
    expect(shown.stdout).toContain('40 of 40 runs logged, 40 ok, 0 failed');
    expect(shown.stdout).toContain('shards    1, 2, 3, 4 of 4');
    expect(shown.stdout).toMatch(/length +40 /);
    expect(query<{ n: number; d: number }>('SELECT COUNT(*) AS n, COUNT(DISTINCT run_index) AS d FROM experiment_runs', 'all.db')).toEqual([{ n: 40, d: 40 }]);
    expect(query('SELECT COUNT(*) AS n FROM experiments', 'all.db')).toEqual([{ n: 1 }]);
    expect(query('PRAGMA integrity_check', 'all.db')).toEqual([{ integrity_check: 'ok' }]);
    // The summary show stored covers the 40 merged runs (a native engine: reads on sql.js never write).
    expect(query<{ runs: number }>('SELECT runs FROM experiment_summaries', 'all.db')).toEqual(engine!.kind === 'file' ? [{ runs: 40 }] : []);
    expect((await run(['experiments', 'list', '-d', 'all.db'])).stdout).toMatch(/sharded .* 40\/40 +completed/);

    const again = await run(['logs', 'merge', 'shard-1.db', 'shard-2.db', 'shard-3.db', 'shard-4.db', '-d', 'all.db', '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { added: object }[]).map((c) => c.added)).toEqual([{}, {}, {}, {}]);
    expect((await run(['logs', 'merge', 'missing.db', '-d', 'all.db'])).stderr).toMatch(/^Error: .*missing\.db does not exist: name a log database file to merge\.\n$/);
  });
});

describe('the response cache (--cache)', () => {
  let server: FakeOpenAIServer;
  beforeAll(async () => {
    server = await FakeOpenAIServer.start();
    // Each answer is new (a counter), so a cached answer is told from a fresh one.
    let n = 0;
    server.handle((request) => (request.body.response_format ? textReply(`{"reasoning": "ok", "score": ${(n++ % 5) + 1}}`) : textReply(`Answer ${n++} to ${lastUserMessage(request)}`)));
  });
  afterAll(() => server.close());

  it('a re-run with --cache sends nothing and gives the same outputs and metrics (computed again), repeats keep their own answers; a changed option or an expired --cache-ttl sends again', async () => {
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001' };
    const experimentFile = (temperature: number, moreMetrics = '') =>
      file(
        'cached.mjs',
        `import { bot, experiment, metric } from 'llm-host/experiments';
const writer = bot({ name: 'writer', model: 'gpt-4o-mini', options: { temperature: ${temperature} } });
export default experiment('cached', ({ input }) => writer('Pitch ' + input).text(), {
  inputs: ['a', 'b'], executions: 6, concurrency: 3,
  metrics: ['length', { metric: 'llm-judge', name: 'judge', options: { rubric: 'Is it good?', model: 'gpt-4o-mini' } }${moreMetrics}],
});
`,
      );
    const go = (extra: string[] = [], moreMetrics = '') => runCli(['experiments', 'run', experimentFile(0.5, moreMetrics), '--json', ...extra], dir.path, { env });
    const metricValues = (id: string) =>
      query<{ metric: string; n: number }>(
        `SELECT metric, COUNT(value) AS n FROM experiment_metric_values JOIN experiment_runs ON experiment_runs.id = run_id WHERE experiment_id = '${id}' GROUP BY metric ORDER BY metric`,
      );
    const outputs = (id: string) => query<{ output: string; cached: number | null }>(`SELECT output, cached FROM experiment_runs WHERE experiment_id = '${id}' ORDER BY run_index`);
    const first = await go();
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout) as { id: string; metrics: { name: string; mean: number }[] };
    const sent = server.chatBodies.length;
    expect(sent).toBe(12); // a pitch and a judgement per run
    // Repeats of one input got their own answers.
    expect(new Set(outputs(a.id).map((r) => r.output)).size).toBe(6);

    // The re-run scores with one metric more: metrics are computed again, not copied.
    const second = await go(['--cache'], `, metric('words', (output) => output.split(' ').length)`);
    expect(second.code).toBe(0);
    const b = JSON.parse(second.stdout) as { id: string; cached: number; metrics: { name: string; mean: number }[] };
    expect(server.chatBodies.length).toBe(sent);
    expect(b.cached).toBe(6);
    expect(outputs(b.id).map((r) => r.output)).toEqual(outputs(a.id).map((r) => r.output));
    expect(outputs(b.id).map((r) => r.cached)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(b.metrics.map((m) => [m.name, m.mean]).slice(0, 2)).toEqual(a.metrics.map((m) => [m.name, m.mean]));
    expect(b.metrics.find((m) => m.name === 'words')?.mean).toBeGreaterThan(0);
    expect(metricValues(b.id)).toEqual([
      { metric: 'judge', n: 6 },
      { metric: 'length', n: 6 },
      { metric: 'words', n: 6 },
    ]);
    // The responses' rows are reused: the second experiment links the first one's.
    expect(query('SELECT COUNT(*) AS n FROM responses')).toEqual([{ n: 12 }]);
    expect(query<{ n: number }>(`SELECT COUNT(DISTINCT response_id) AS n FROM experiment_run_responses`)).toEqual([{ n: 12 }]);

    // Another temperature is another request: the pitches are sent again (the judge's requests
    // see other pitches, so they are sent too).
    const third = await runCli(['experiments', 'run', experimentFile(0.7), '--json', '--cache'], dir.path, { env });
    expect(third.code).toBe(0);
    expect(server.chatBodies.length).toBe(sent + 12);
    expect((JSON.parse(third.stdout) as { cached?: number }).cached).toBeUndefined();

    // Two hours on (the logged rows made older in the file), --cache-ttl 1h takes none of them:
    // every request is sent again; the text summary says nothing was answered from the cache.
    ageLoggedResponses(join(dir.path, 'logs.db'), 2 * 3_600_000);
    const expired = await runCli(['experiments', 'run', experimentFile(0.5), '--cache', '--cache-ttl', '1h'], dir.path, { env });
    expect(expired).toMatchObject({ code: 0, stderr: '' });
    expect(server.chatBodies.length).toBe(sent + 24);
    expect(expired.stdout).toMatch(/^cached \(\w+\): completed, 6 of 6 runs, 6 ok, 0 failed, in [^;\n]+$/m);
    // Within the ttl the fresh answers are taken, and the summary counts the runs answered so.
    const fresh = await runCli(['experiments', 'run', experimentFile(0.5), '--cache', '--cache-ttl', '1h'], dir.path, { env });
    expect(fresh).toMatchObject({ code: 0, stderr: '' });
    expect(server.chatBodies.length).toBe(sent + 24);
    expect(fresh.stdout).toMatch(/^cached \(\w+\): completed, 6 of 6 runs, 6 ok, 0 failed, in [^;\n]+; 6 answered from the cache$/m);

    const bad = await runCli(['experiments', 'run', experimentFile(0.5), '--cache', '--cache-ttl', '7 days'], dir.path, { env });
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: "Error: --cache-ttl takes an age with a unit: 30s, 15m, 12h, 7d or 2w (got '7 days').\n" });
  });
});
