import { batchApiFor } from '../../default-plugins/openai/batch-api.js';
import { batchPrice } from '../../default-plugins/openai/batch-prices.js';
import { httpSettings } from '../../default-plugins/openai/http-settings.js';
import { BatchDeclinedError, BatchDriver, type BatchEvent } from '../../default-plugins/experiments/lib/batch/driver.js';
import type { BatchEstimate } from '../../default-plugins/experiments/lib/batch/estimate.js';
import { BatchGatherer } from '../../default-plugins/experiments/lib/batch/gatherer.js';
import { withRequestBatcher, type BatchApi } from '../../src/models/request-batch.js';
import { FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { openaiHost, TEST_KEY } from '../helpers/openai-host.js';
import { tempDir } from '../helpers/temp-dir.js';

// OpenAI's Batch API as the openai plugin speaks it, against the fake server's /v1/files and
// /v1/batches over real HTTP: the chat model's requests become batch lines, the driver submits,
// polls and answers them; the fake server validates like OpenAI. Its clock moves a status per poll.

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir();
});
afterEach(async () => {
  await server.close();
  dir.remove();
});

const api = () =>
  batchApiFor({ baseUrl: server.baseUrl, key: TEST_KEY, keyFix: 'Set a key.', headers: {}, userAgent: 'llm/test', settings: httpSettings({ LLM_OPENAI_RETRY_DELAY: '0.001' }, {}) });
const signal = new AbortController().signal;

/** Prompts gpt-4o-mini once per text, each as its own run of a batched experiment. */
async function batchedPrompts(texts: string[], settings: ConstructorParameters<typeof BatchDriver>[0] = {}) {
  const { llm, logged } = await openaiHost(server, dir.path);
  const model = await llm.getModel('gpt-4o-mini');
  const driver = new BatchDriver({ pollIntervalMs: 1, ...settings }, undefined, signal);
  const gatherer = new BatchGatherer(texts.length, (calls) => driver.flush(calls));
  const results = texts.map((text, run) => {
    gatherer.runStarted(run);
    return withRequestBatcher(gatherer.forRun(run), async () => {
      try {
        const response = model.prompt(text, { options: { temperature: 0 } });
        return { text: await response.text(), usage: await response.usage() };
      } finally {
        gatherer.runEnded(run);
      }
    });
  });
  return { results: await Promise.allSettled(results), logged };
}

describe('chat requests through the Batch API', () => {
  it('go out as one batch whose lines are the chat requests (no stream), and come back as responses with usage', async () => {
    const events: BatchEvent[] = [];
    const estimates: BatchEstimate[] = [];
    const { results, logged } = await batchedPrompts(['one', 'two', 'three'], { onEvent: (e) => events.push(e), confirm: (e) => (estimates.push(e), true) });
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([
      { text: 'You said: one', usage: { input: 1, output: 3 } },
      { text: 'You said: two', usage: { input: 1, output: 3 } },
      { text: 'You said: three', usage: { input: 1, output: 3 } },
    ]);
    expect(logged).toHaveLength(3);
    expect(server.chatBodies).toHaveLength(0);
    expect(server.batches.created).toBe(1);
    expect(server.batches.lineBodies).toEqual(['one', 'two', 'three'].map((text) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], temperature: 0 })));
    expect(server.problems).toEqual([]);
    // The upload is multipart with purpose=batch; every request carries the key.
    const upload = server.requests.find((r) => r.path === '/v1/files')!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TEST_KEY}`)).toBe(true);
    expect(estimates[0]!.models[0]).toMatchObject({ model: 'gpt-4o-mini', requests: 3, assumedOutputs: 3 });
    expect(estimates[0]!.models[0]!.dollars).toBeGreaterThan(0);
    // One status per poll: validating, in_progress, finalizing, then completed.
    expect(events.map((e) => (e.kind === 'progress' ? e.statuses.join() : e.kind))).toEqual(['submitted', 'validating', 'in_progress', 'finalizing', 'ended', '']);
    expect(events.at(-1)).toEqual({ kind: 'progress', done: 3, total: 3, statuses: [], etaMs: 0 });
    expect(JSON.stringify(events)).not.toContain(TEST_KEY);
  });

  it('declined: nothing is uploaded, and every call fails saying so', async () => {
    const { results } = await batchedPrompts(['one', 'two'], { confirm: () => false });
    for (const result of results) expect(result).toMatchObject({ status: 'rejected', reason: expect.any(BatchDeclinedError) });
    expect(server.requests).toHaveLength(0);
  });

  it('an expired batch answers the lines it ran; the others fail with batch_expired', async () => {
    server.batches.paused = true;
    const pending = batchedPrompts(['one', 'two']);
    while (server.batches.batches.size === 0) await new Promise((resolve) => setImmediate(resolve));
    const [id] = [...server.batches.batches.keys()];
    await server.batches.expire(id!, 1);
    const { results } = await pending;
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { text: 'You said: one' } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: `Batch ${id}, request run-1-step-1: This request could not be executed before the completion window expired (batch_expired)` } });
  });
});

describe('the fake Batch API validates like OpenAI', () => {
  const line = (customId: string, body: object, extra: object = {}) => JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body, ...extra });
  const until = async (id: string, done: (status: string) => boolean) => {
    for (;;) {
      const state = await api().retrieveBatch(id, signal);
      if (done(state.status)) return state;
    }
  };

  it('a file with a bad line fails its batch, naming each line', async () => {
    const good = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    const file = [
      line('a', good),
      line('a', good),
      line('b', good, { url: '/v1/embeddings' }),
      line('c', { model: 'gpt-4o-mini', messages: 'hi' }),
      line('d', { ...good, model: 'gpt-4o' }),
      '{not json',
    ].join('\n');
    const fileId = await api().uploadFile('bad.jsonl', file, signal);
    const created = await api().createBatch(fileId, '/v1/chat/completions', signal);
    expect(created).toMatchObject({ status: 'validating', inputFileId: fileId, counts: { total: 0, completed: 0, failed: 0 } });
    const failed = await until(created.id, (status) => status !== 'validating');
    expect(failed.status).toBe('failed');
    expect(failed.errors).toEqual([
      "line 2: The custom_id 'a' is used on more than one line.",
      'line 3: url must be the batch\'s endpoint /v1/chat/completions (got "/v1/embeddings").',
      expect.stringMatching(/^line 4: \/messages must be array/),
      'line 6: This line is not valid JSON.',
      'The file names more than one model (gpt-4o-mini, gpt-4o); a batch takes one.',
    ]);
    expect(server.problems).toEqual([expect.stringMatching(/^batch line 4 \(c\): \/messages must be array/)]);
    server.problems.length = 0;
  });

  it('rejects a batch of an unknown file, endpoint or window; cancels; and never repeats the key in an error', async () => {
    await expect(api().createBatch('file-nope', '/v1/chat/completions', signal)).rejects.toThrow(/No such File object: file-nope/);
    const fileId = await api().uploadFile('x.jsonl', line('a', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), signal);
    await expect(api().createBatch(fileId, '/v1/responses', signal)).rejects.toThrow(/Invalid endpoint/);
    const batch = await api().createBatch(fileId, '/v1/chat/completions', signal);
    expect((await api().cancelBatch(batch.id, signal)).status).toBe('cancelling');
    expect((await until(batch.id, (status) => status !== 'cancelling')).status).toBe('cancelled');
    const missing = await api().retrieveBatch('batch_nope', signal).catch((error: Error) => error);
    expect((missing as Error).message).toMatch(/404/);
    expect((missing as Error).message).not.toContain(TEST_KEY);
    expect(await api().fileContent(fileId, signal)).toContain('"custom_id":"a"');
  });
});

describe('batch prices', () => {
  it('half the list price, for a model or its dated snapshot; none for an unknown model', () => {
    expect(batchPrice('gpt-4o-mini')).toEqual({ input: 0.075, output: 0.3 });
    expect(batchPrice('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.075, output: 0.3 });
    expect(batchPrice('my-local-model')).toBeUndefined();
  });
});

describe('exp.run({ batchApi })', () => {
  it('runs every call through a batch; declining the estimate stops the experiment with nothing submitted', async () => {
    const { experiment } = await import('../../default-plugins/experiments/lib/experiment.js');
    const { bot } = await import('../../default-plugins/experiments/lib/bot.js');
    const { llm } = await openaiHost(server, dir.path);
    const writer = bot({ model: 'gpt-4o-mini' });
    const exp = experiment('batched', ({ index }) => writer(`run ${index}`).text(), { executions: 3 });
    await expect(exp.run({ llm, log: false, batchApi: { confirm: () => false } })).rejects.toThrow('Not submitted: the batches were declined, so the experiment stopped.');
    expect(server.requests).toHaveLength(0);
    const outputs: unknown[] = [];
    const result = await exp.run({ llm, log: false, batchApi: { pollIntervalMs: 1 }, onRun: (run) => outputs.push(run.output) });
    expect(result).toMatchObject({ status: 'completed', finished: 3, ok: 3 });
    expect(outputs.sort()).toEqual(['You said: run 0', 'You said: run 1', 'You said: run 2']);
    expect(server.batches.created).toBe(1);
    expect(server.chatBodies).toHaveLength(0);
    await expect(exp.run({ llm, log: false, batchApi: true, timeoutMs: 1000 })).rejects.toThrow('A batched experiment cannot have a timeout');
  });
});

describe('the driver', () => {
  /** The real client with smaller limits (a delegate: the client keeps its key in a private field). */
  const small = (requests: number): BatchApi => {
    const real = api();
    return {
      account: real.account,
      where: real.where,
      limits: { requests, bytes: 1e6 },
      price: (model) => real.price(model),
      uploadFile: (...args) => real.uploadFile(...args),
      createBatch: (...args) => real.createBatch(...args),
      retrieveBatch: (...args) => real.retrieveBatch(...args),
      cancelBatch: (...args) => real.cancelBatch(...args),
      fileContent: (...args) => real.fileContent(...args),
    };
  };
  const call = (gatherer: BatchGatherer, run: number, batchApi: BatchApi, model = 'gpt-4o-mini') => {
    gatherer.runStarted(run);
    const body = { model, messages: [{ role: 'user', content: `run ${run}` }] };
    return gatherer
      .forRun(run)
      .submit({ api: batchApi, endpoint: '/v1/chat/completions', model, body }, signal)
      .finally(() => gatherer.runEnded(run));
  };

  it('splits a step at the API limit and by model, answering every call from its own batch', async () => {
    const events: BatchEvent[] = [];
    const driver = new BatchDriver({ pollIntervalMs: 1, onEvent: (e) => events.push(e) }, undefined, signal);
    const gatherer = new BatchGatherer(6, (calls) => driver.flush(calls));
    const limited = small(2);
    const replies = await Promise.all([0, 1, 2, 3, 4].map((run) => call(gatherer, run, limited)).concat(call(gatherer, 5, limited, 'gpt-4o')));
    expect(replies.map((reply) => (reply as { choices: { message: { content: string } }[] }).choices[0]!.message.content)).toEqual([0, 1, 2, 3, 4, 5].map((run) => `You said: run ${run}`));
    expect(events.filter((e) => e.kind === 'submitted').map((e) => [e.kind === 'submitted' && e.model, e.kind === 'submitted' && e.requests])).toEqual([
      ['gpt-4o-mini', 2],
      ['gpt-4o-mini', 2],
      ['gpt-4o-mini', 1],
      ['gpt-4o', 1],
    ]);
    expect(server.batches.created).toBe(4);
    expect(server.problems).toEqual([]);
  });

  it('a failed poll is tried again at the next interval', async () => {
    const driver = new BatchDriver({ pollIntervalMs: 1 }, undefined, signal);
    const gatherer = new BatchGatherer(1, (calls) => driver.flush(calls));
    let failed = 0;
    const flaky = small(10);
    const retrieve = flaky.retrieveBatch;
    (flaky as { retrieveBatch: BatchApi['retrieveBatch'] }).retrieveBatch = (...args) => (failed++ < 3 ? Promise.reject(new Error('connection reset')) : retrieve(...args));
    await expect(call(gatherer, 0, flaky)).resolves.toMatchObject({ object: 'chat.completion' });
    expect(failed).toBeGreaterThan(3);
  });
});
