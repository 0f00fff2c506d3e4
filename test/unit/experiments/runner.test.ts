import { setTimeout as sleep } from 'node:timers/promises';
import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import openaiPlugin from '../../../default-plugins/openai/index.js';
import sqliteLogger from '../../../default-plugins/sqlite-logger/index.js';
import { bot } from '../../../default-plugins/experiments/lib/bot.js';
import { experiment } from '../../../default-plugins/experiments/lib/experiment.js';
import { metric } from '../../../default-plugins/experiments/lib/metric.js';
import { prompt } from '../../../default-plugins/experiments/lib/prompt-function.js';
import { addRunInfo } from '../../../default-plugins/experiments/lib/run-context.js';
import { structuredBot } from '../../../default-plugins/experiments/lib/structured-bot.js';
import { createLlm } from '../../../src/host/llm.js';
import { FakeOpenAIServer, lastUserMessage, textReply } from '../../helpers/fake-openai-server.js';
import { availableEngines, openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// One call: loading node:sqlite a second time hangs under jest's VM modules on Node 20.
const engineObjects = await availableEngines();
const engines = engineObjects.map((engine) => engine.name);

describe.each(engines)('experiments logged to logs.db on %s', (engine) => {
  let server: FakeOpenAIServer;
  let dir: ReturnType<typeof tempDir>;
  const warnings: string[] = [];
  beforeAll(async () => {
    server = await FakeOpenAIServer.start();
    server.handle((request) => (request.body.response_format ? textReply('{"reasoning": "fine", "score": 4}') : textReply(`Reply to ${lastUserMessage(request)}`)));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    dir = tempDir();
    warnings.length = 0;
  });
  afterEach(() => {
    expect(server.problems).toEqual([]);
    dir.remove();
  });

  const host = () =>
    createLlm({
      userDir: dir.path,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001', LLM_SQLITE_ENGINE: engine },
      defaultPlugins: false,
      loadInstalled: false,
      plugins: [openaiPlugin, sqliteLogger, experimentsPlugin],
      warn: (message) => warnings.push(message),
    });
  const query = <T>(sql: string, params: (string | number)[] = []): T[] => {
    const db = openDatabase(engineObjects.find((e) => e.name === engine)!, join(dir.path, 'logs.db'));
    try {
      return db.all<T & object>(sql, params);
    } finally {
      db.close();
    }
  };

  it('10 executions at concurrency 4: 10 runs with their metrics, prompts, bots and linked responses', async () => {
    const llm = await host();
    const ask = prompt('user', 'Tell me about {{ topic }} #{{ n }}', { name: 'ask' });
    const writer = bot({ name: 'writer', model: 'gpt-4o-mini', system: 'Be brief.', options: { temperature: 0.5 } });
    let running = 0;
    let peak = 0;
    const exp = experiment(
      'topics',
      async ({ index }) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(5);
        const text = await writer(ask({ topic: 'pelicans', n: index })).text();
        running--;
        addRunInfo({ n: index });
        return text;
      },
      {
        executions: 10,
        concurrency: 4,
        info: { hypothesis: 'brevity' },
        metrics: ['length', metric('mentions', (o: string) => o.includes('pelicans')), { metric: 'llm-judge', name: 'judge', options: { rubric: 'Is it good?' } }],
      },
    );
    const result = await exp.run({ llm });
    expect(peak).toBe(4);
    expect(result).toMatchObject({ name: 'topics', status: 'completed', executions: 10, concurrency: 4, finished: 10, ok: 10, failed: 0, database: join(dir.path, 'logs.db') });
    expect(result.metrics.map((m) => [m.name, m.n, m.kind])).toEqual([
      ['length', 10, 'integer'],
      ['mentions', 10, 'boolean'],
      ['judge', 10, 'integer'],
    ]);
    expect(result.metrics[1]!.mean).toBe(1);
    expect(result.metrics[2]!.mean).toBe(4);

    const [row] = query<{ id: string; name: string; status: string; executions: number; concurrency: number; info: string }>('SELECT * FROM experiments');
    expect(row).toMatchObject({ id: result.id, name: 'topics', status: 'completed', executions: 10, concurrency: 4, info: '{"hypothesis":"brevity"}' });
    const runs = query<{ id: string; run_index: number; status: string; output: string; info: string; duration_ms: number }>('SELECT * FROM experiment_runs ORDER BY run_index');
    expect(runs.map((r) => r.run_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(runs.every((r) => r.status === 'ok' && r.duration_ms >= 5)).toBe(true);
    expect(JSON.parse(runs[3]!.output)).toBe('Reply to Tell me about pelicans #3');
    expect(JSON.parse(runs[3]!.info)).toEqual({ n: 3, 'judge.reasoning': 'fine' });
    const values = query<{ metric: string; value: number }>('SELECT metric, value FROM experiment_metric_values WHERE run_id = ? ORDER BY metric', [runs[3]!.id]);
    expect(values).toEqual([
      { metric: 'judge', value: 4 },
      { metric: 'length', value: 'Reply to Tell me about pelicans #3'.length },
      { metric: 'mentions', value: 1 },
    ]);
    // Each run links its writer response and its judge's response, both in the responses table.
    const links = query<{ run_id: string; source: string; prompt: string; response: string }>(
      `SELECT l.run_id, l.source, r.prompt, r.response FROM experiment_run_responses l JOIN responses r ON r.id = l.response_id ORDER BY l.run_id, l.position`,
    );
    expect(links).toHaveLength(20);
    const forRun3 = links.filter((l) => l.run_id === runs[3]!.id);
    expect(forRun3.map((l) => l.source)).toEqual(['writer', 'metric:judge']);
    expect(forRun3[0]!.prompt).toBe('Tell me about pelicans #3');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM responses')[0]!.n).toBe(20);
    expect(query<{ name: string; role: string; previous_hash: string | null }>('SELECT name, role, previous_hash FROM prompt_versions')).toEqual([
      { name: 'ask', role: 'user', previous_hash: null },
    ]);
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_run_prompts')[0]!.n).toBe(10);
    // The judge metric is recorded like a (structured) bot, with its model.
    expect(query<{ name: string; kind: string; model: string; options: string }>('SELECT name, kind, model, options FROM experiment_bots ORDER BY name')).toEqual([
      { name: 'judge:judge', kind: 'structured', model: 'gpt-4o-mini', options: '{"temperature":0}' },
      { name: 'writer', kind: 'bot', model: 'gpt-4o-mini', options: '{"temperature":0.5}' },
    ]);
    expect(query<{ system: string }>("SELECT system FROM experiment_bots WHERE name = 'writer'")[0]!.system).toBe('Be brief.');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_run_bots')[0]!.n).toBe(20);
    expect(query<{ name: string; better: string; kind: string }>('SELECT name, better, kind FROM experiment_metrics ORDER BY position')).toEqual([
      { name: 'length', better: 'higher', kind: 'integer' },
      { name: 'mentions', better: 'higher', kind: 'boolean' },
      { name: 'judge', better: 'higher', kind: 'integer' },
    ]);
    expect(warnings).toEqual([]);
  });

  it("records its process, each run's total time with its pipeline's part, and a system prompt sent as a message", async () => {
    const llm = await host();
    const rules = prompt('system', 'Judge {{ what }} strictly.', { name: 'rules' });
    const judge = structuredBot({ name: 'strict', model: 'gpt-4o-mini', schema: { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] } });
    // A slow metric, which measures itself: its time counts in the run's total, not in its pipeline's part.
    const spans: number[] = [];
    const slow = metric('slow', async () => {
      const start = performance.now();
      await sleep(40);
      spans.push(performance.now() - start);
      return true;
    });
    const exp = experiment('timed', async () => (await judge(rules({ what: 'pitches' }), 'Score this')).score, { executions: 2, concurrency: 1, metrics: [slow] });
    const runs: { durationMs: number; pipelineMs: number }[] = [];
    await exp.run({ llm, onRun: (run) => runs.push(run) });
    expect(query<{ status: string; pid: number; host: string }>('SELECT status, pid, host FROM experiments')).toEqual([{ status: 'completed', pid: process.pid, host: hostname() }]);
    const rows = query<{ duration_ms: number; pipeline_ms: number }>('SELECT duration_ms, pipeline_ms FROM experiment_runs ORDER BY run_index');
    expect(rows).toEqual(runs.map((run) => ({ duration_ms: Math.round(run.durationMs), pipeline_ms: Math.round(run.pipelineMs) })));
    // The metric ran after the pipeline and within the run: the total holds its whole span (both rounded to the ms).
    for (const [i, row] of rows.entries()) expect(row.duration_ms - row.pipeline_ms).toBeGreaterThanOrEqual(Math.floor(spans[i]!) - 1);
    expect(query<{ name: string; kind: string; system: string }>('SELECT name, kind, system FROM experiment_bots')).toEqual([{ name: 'strict', kind: 'structured', system: 'Judge pitches strictly.' }]);
  });

  it('keeps every version of a named prompt with the one before it', async () => {
    const llm = await host();
    const versions = ['Say {{ x }}', 'Please say {{ x }}', 'Say {{ x }}'];
    for (const template of versions) {
      const say = prompt('user', template, { name: 'say' });
      await experiment('say', () => say({ x: 'hi' }).content, { executions: 2 }).run({ llm });
    }
    const rows = query<{ hash: string; previous_hash: string | null; template: string }>('SELECT hash, previous_hash, template FROM prompt_versions WHERE name = ? ORDER BY id', ['say']);
    expect(rows.map((r) => r.template)).toEqual(['Say {{ x }}', 'Please say {{ x }}']);
    expect(rows[0]!.previous_hash).toBeNull();
    expect(rows[1]!.previous_hash).toBe(rows[0]!.hash);
    expect(query<{ n: number }>('SELECT COUNT(DISTINCT hash) AS n FROM experiment_run_prompts')[0]!.n).toBe(2);
  });

  it('logs a failing run, a metric that throws, a non-scalar metric and a timed-out run, and goes on', async () => {
    const llm = await host();
    const exp = experiment(
      'rough',
      async ({ index }) => {
        if (index === 1) throw new Error('pipeline broke');
        if (index === 2) return new Promise(() => {}); // never resolves
        return `output ${index}`;
      },
      {
        executions: 5,
        concurrency: 5,
        timeoutMs: 150,
        metrics: [
          metric('throws', (o: string) => {
            if (o.endsWith('3')) throw new Error('cannot score 3');
            return 1;
          }),
          metric('wordy', () => 'many' as unknown as number),
        ],
      },
    );
    const result = await exp.run({ llm });
    expect(result).toMatchObject({ finished: 5, ok: 3, failed: 2 });
    const runs = query<{ run_index: number; status: string; error: string | null }>('SELECT run_index, status, error FROM experiment_runs ORDER BY run_index');
    expect(runs).toEqual([
      { run_index: 0, status: 'ok', error: null },
      { run_index: 1, status: 'error', error: 'pipeline broke' },
      { run_index: 2, status: 'error', error: 'timed out after 0.15 s' },
      { run_index: 3, status: 'ok', error: null },
      { run_index: 4, status: 'ok', error: null },
    ]);
    const errors = query<{ metric: string; value: number | null; error: string | null }>(
      'SELECT v.metric, v.value, v.error FROM experiment_metric_values v JOIN experiment_runs r ON r.id = v.run_id WHERE r.run_index = 3 ORDER BY v.metric',
    );
    expect(errors).toEqual([
      { metric: 'throws', value: null, error: "metric 'throws' failed: cannot score 3" },
      { metric: 'wordy', value: null, error: 'metric \'wordy\' returned a string ("many"): a metric must return a finite number or a boolean' },
    ]);
    expect(result.metrics.find((m) => m.name === 'throws')).toMatchObject({ n: 2, errors: 1 });
    expect(result.metrics.find((m) => m.name === 'wordy')).toMatchObject({ n: 0, errors: 3 });
  });

  it('with logging off, keeps the runs but links no responses; --log (logResponses) logs them anyway', async () => {
    writeFileSync(join(dir.path, 'logs-off'), '');
    const llm = await host();
    const writer = bot({ model: 'gpt-4o-mini' });
    const exp = experiment('quiet', () => writer('hello').text(), { executions: 3 });
    await exp.run({ llm });
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_runs')[0]!.n).toBe(3);
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM responses')[0]!.n).toBe(0);
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_run_responses')[0]!.n).toBe(0);
    await exp.run({ llm, logResponses: true });
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM responses')[0]!.n).toBe(3);
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_run_responses')[0]!.n).toBe(3);
  });

  it('a failing callback fails the experiment, which is logged as failed with the runs that finished', async () => {
    const llm = await host();
    const exp = experiment('callback', ({ index }) => index, { executions: 6, concurrency: 1 });
    await expect(
      exp.run({
        llm,
        onRun: (run) => {
          if (run.index === 2) throw new Error('display broke');
        },
      }),
    ).rejects.toThrow('display broke');
    expect(query<{ status: string }>('SELECT status FROM experiments')[0]!.status).toBe('failed');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_runs')[0]!.n).toBe(3);
  });

  it('an interrupted experiment keeps what finished, and is marked interrupted', async () => {
    const llm = await host();
    const stop = new AbortController();
    const exp = experiment(
      'long',
      async ({ index, signal }) => {
        if (index === 3) stop.abort();
        await sleep(index < 4 ? 20 : 10_000, undefined, { signal });
        return index;
      },
      { executions: 100, concurrency: 4 },
    );
    const result = await exp.run({ llm, signal: stop.signal, graceMs: 200 });
    expect(result.status).toBe('interrupted');
    // The four running when it stopped finish; none of the 96 others (the 10-second ones) starts.
    expect(result.finished).toBe(4);
    expect(result.notStarted).toBe(96);
    expect(query<{ status: string }>('SELECT status FROM experiments')[0]!.status).toBe('interrupted');
    expect(query<{ run_index: number }>('SELECT run_index FROM experiment_runs ORDER BY run_index').map((r) => r.run_index)).toEqual([0, 1, 2, 3]);
  });
});
