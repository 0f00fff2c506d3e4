import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOpenAIServer, lastUserMessage, textReply } from '../helpers/fake-openai-server.js';
import { collect, runCli, startCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// `llm experiments run --batch` through the built CLI against the fake server's Batch API, whose
// clock moves one status per poll (polled every millisecond here): no test waits.

const [engine] = await availableEngines();

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await FakeOpenAIServer.start();
  // The same request always gets the same answer, batched or not: a pitch repeats the prompt,
  // the judge scores by the pitch's length.
  server.handle((request) => {
    const text = lastUserMessage(request);
    if (!request.body.response_format) return textReply(`Pitch for ${text}!`);
    const pitch = /<output>\n(.*)\n<\/output>/s.exec(text)?.[1] ?? '';
    return textReply(`{"reasoning": "ok", "score": ${(pitch.length % 5) + 1}}`);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = tempDir('llm-experiments-batch-');
  server.batches.paused = false;
  server.batches.failLine = undefined;
});
afterEach(() => dir.remove());

const env = () => ({ OPENAI_API_KEY: 'sk-batch-secret', OPENAI_BASE_URL: server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001' });
const run = (args: string[]) => runCli(args, dir.path, { env: env() });
const BATCH = ['--batch', '--yes', '--batch-poll', '0.001'];
const query = <T extends object>(sql: string): T[] => {
  const path = join(dir.path, 'logs.db');
  if (!existsSync(path)) return [];
  const db = openDatabase(engine!, path);
  try {
    return db.all<T>(sql);
  } finally {
    db.close();
  }
};
const experimentFile = (executions: number) => {
  const path = join(dir.path, 'pitches.mjs');
  writeFileSync(
    path,
    `import { bot, experiment } from 'llm-host/experiments';
const writer = bot({ name: 'writer', model: 'gpt-4o-mini' });
export default experiment('pitches', ({ index }) => writer('product ' + index).text(), {
  executions: ${executions}, concurrency: 8,
  metrics: ['length', { metric: 'llm-judge', name: 'judge', options: { rubric: 'Is it good?', model: 'gpt-4o-mini' } }],
});
`,
  );
  return path;
};
type Summary = { id: string; finished: number; ok: number; metrics: { name: string; mean: number; n: number }[] };
const means = (summary: Summary) => summary.metrics.map((m) => [m.name, m.n, m.mean]);

describe('llm experiments run --batch', () => {
  it('200 runs with a judge: stopped (kill -9) after the first batch is submitted, resume reattaches to it; two batches in all, every run logged, the same metrics as without --batch', async () => {
    const path = experimentFile(200);
    const plain = await run(['experiments', 'run', path, '--json']);
    expect(plain.code).toBe(0);
    const a = JSON.parse(plain.stdout) as Summary;
    const chatRequests = server.chatBodies.length;
    const created = server.batches.created;

    // The clock is held: the first batch stays in validation until the process is killed.
    server.batches.paused = true;
    const child = startCli(['experiments', 'run', path, ...BATCH], dir.path, { env: env() });
    const done = collect(child);
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/Batch \S+ submitted/.test(stderr)) resolve();
      });
    });
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(server.batches.created - created).toBe(1);
    const [first] = query<{ id: string; status: string; experiment_id: string }>('SELECT id, status, experiment_id FROM experiment_batches');
    expect(stderr).toContain('Batch estimate: 1 batch:\n  gpt-4o-mini: 200 requests, ~');
    expect(stderr).toContain(`Batch ${first!.id} submitted: step 1, 200 requests to gpt-4o-mini (${server.baseUrl}).`);
    expect(first!.status).toBe('validating');

    server.batches.paused = false;
    const resumed = await run(['experiments', 'resume', 'pitches', '--json', '--yes', '--batch-poll', '0.001']);
    expect(resumed.code).toBe(0);
    // Its retrieval moved the batch on a status.
    expect(resumed.stderr).toContain(`Batch ${first!.id} reattached (in_progress): step 1, 200 requests of it still wanted.`);
    expect(resumed.stderr).toMatch(/Batches: 200\/200 requests done/);
    expect(resumed.stderr).not.toContain('sk-batch-secret');
    // Only the judge's batch is new; nothing went to /chat/completions.
    expect(server.batches.created - created).toBe(2);
    expect(server.chatBodies.length).toBe(chatRequests);
    expect(server.problems).toEqual([]);
    const b = JSON.parse(resumed.stdout) as Summary;
    expect(b).toMatchObject({ id: first!.experiment_id, finished: 200, ok: 200 });
    expect(means(b)).toEqual(means(a));
    expect(means(b)).toEqual([
      ['length', 200, expect.any(Number)],
      ['judge', 200, expect.any(Number)],
    ]);
    const batches = query<{ id: string; step: number; model: string; requests: number; status: string; completed: number; failed: number; ended_at: string | null }>(
      `SELECT id, step, model, requests, status, completed, failed, ended_at FROM experiment_batches ORDER BY step`,
    );
    expect(batches.map(({ ended_at, id, ...rest }) => rest)).toEqual([
      { step: 1, model: 'gpt-4o-mini', requests: 200, status: 'completed', completed: 200, failed: 0 },
      { step: 2, model: 'gpt-4o-mini', requests: 200, status: 'completed', completed: 200, failed: 0 },
    ]);
    expect(batches.every((row) => row.ended_at)).toBe(true);
    expect(resumed.stderr).toContain(`Batch ${batches[1]!.id} submitted: step 2, 200 requests to gpt-4o-mini`);
    // Every run and response logged as without --batch: the same outputs, 400 responses with usage.
    const outputs = (id: string) => query<{ output: string }>(`SELECT output FROM experiment_runs WHERE experiment_id = '${id}' ORDER BY run_index`).map((r) => r.output);
    expect(outputs(b.id)).toEqual(outputs(a.id));
    const linked = (id: string) =>
      query<{ n: number; usage: number }>(
        `SELECT COUNT(*) AS n, SUM(r.input_tokens IS NOT NULL AND r.output_tokens IS NOT NULL) AS usage FROM experiment_run_responses l JOIN experiment_runs x ON x.id = l.run_id JOIN responses r ON r.id = l.response_id WHERE x.experiment_id = '${id}'`,
      )[0];
    expect(linked(b.id)).toEqual(linked(a.id));
    expect(linked(b.id)).toEqual({ n: 400, usage: 400 });
    expect(query(`SELECT status FROM experiments WHERE id = '${b.id}'`)).toEqual([{ status: 'completed' }]);

    const shown = await run(['experiments', 'show', b.id]);
    expect(shown.stdout).toContain('Batches (Batch API, --batch)');
    expect(shown.stdout).toMatch(new RegExp(`${batches[0]!.id} +1 +gpt-4o-mini +200 +completed +200 +0`));
  });

  it('runs through in one process; a failed line is that run’s error; without a terminal and without --yes, it refuses before running', async () => {
    const path = experimentFile(4);
    const created = server.batches.created;
    server.batches.failLine = (customId) => (customId === 'run-2-step-1' ? 'This request was flagged.' : undefined);
    const result = await run(['experiments', 'run', path, '--json', ...BATCH]);
    expect(result.code).toBe(0);
    // The pitches, then the judgements of the three that got one.
    expect(server.batches.created - created).toBe(2);
    expect(query('SELECT step, requests, status, completed, failed FROM experiment_batches ORDER BY step')).toEqual([
      { step: 1, requests: 4, status: 'completed', completed: 3, failed: 1 },
      { step: 2, requests: 3, status: 'completed', completed: 3, failed: 0 },
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ finished: 4, ok: 3, failed: 1 });
    const runs = query<{ run_index: number; status: string; error: string | null }>('SELECT run_index, status, error FROM experiment_runs ORDER BY run_index');
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok', 'error', 'ok']);
    expect(runs[2]!.error).toMatch(/^Batch \S+, request run-2-step-1: This request was flagged \(HTTP 400\)$/);
    expect(result.stderr).toMatch(/Batch \S+ completed: 3 answered, 1 failed\./);

    const refused = await run(['experiments', 'run', path, '--batch']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('Error: --batch asks before submitting (with the estimated cost) and there is no terminal to ask on: pass --yes to submit without asking.\n');
  });
});
