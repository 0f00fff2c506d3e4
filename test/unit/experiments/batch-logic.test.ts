import type { BatchableRequest, BatchApi } from '../../../src/index.js';
import { ASSUMED_OUTPUT_TOKENS, estimateRequests, formatEstimate, inputTokens } from '../../../default-plugins/experiments/lib/batch/estimate.js';
import { BatchGatherer, type GatheredCall } from '../../../default-plugins/experiments/lib/batch/gatherer.js';
import { batchLine, fileText, readOutput, splitIntoFiles } from '../../../default-plugins/experiments/lib/batch/jsonl.js';

// The pure parts of --batch: when calls go out (the barrier), how they are cut into files, how
// output lines are read, and the estimate.

const api = { account: 'a', where: 'http://x/v1', limits: { requests: 10, bytes: 1000 }, price: () => undefined } as unknown as BatchApi;
const request = (text: string): BatchableRequest => ({ api, endpoint: '/v1/chat/completions', model: 'gpt-4o-mini', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] } });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchGatherer: the barrier', () => {
  it('holds calls until every run has started and every running run waits on one; then hands them over together', async () => {
    const flushed: GatheredCall[][] = [];
    const gatherer = new BatchGatherer(3, async (calls) => {
      flushed.push(calls);
      for (const call of calls) call.resolve(`reply to ${call.customId}`);
    });
    const signal = new AbortController().signal;
    gatherer.runStarted(0);
    gatherer.runStarted(1);
    const a = gatherer.forRun(0).submit(request('a'), signal);
    const b = gatherer.forRun(1).submit(request('b'), signal);
    await turn();
    expect(flushed).toHaveLength(0); // run 2 has not started
    gatherer.runStarted(2);
    const c = gatherer.forRun(2);
    await turn();
    expect(flushed).toHaveLength(0); // run 2 is doing something else (no call yet)
    const c1 = c.submit(request('c'), signal);
    await turn();
    expect(flushed.map((calls) => calls.map((call) => call.customId))).toEqual([['run-0-step-1', 'run-1-step-1', 'run-2-step-1']]);
    expect(await Promise.all([a, b, c1])).toEqual(['reply to run-0-step-1', 'reply to run-1-step-1', 'reply to run-2-step-1']);

    // Step 2: run 0 ends, runs 1 and 2 call again; steps are counted per run.
    gatherer.runEnded(0);
    const c2 = c.submit(request('c2'), signal);
    await turn();
    expect(flushed).toHaveLength(1); // run 1 is still working
    const b2 = gatherer.forRun(1).submit(request('b2'), signal);
    await turn();
    expect(flushed[1]!.map((call) => call.customId)).toEqual(['run-2-step-2', 'run-1-step-1']);
    await Promise.all([c2, b2]);
  });

  it('a run that ends (or is stopped) releases the others; an aborted call fails with its reason and leaves the batch', async () => {
    const flushed: string[][] = [];
    const gatherer = new BatchGatherer(2, async (calls) => {
      flushed.push(calls.map((call) => call.customId));
      for (const call of calls) call.resolve('ok');
    });
    gatherer.runStarted(0);
    gatherer.runStarted(1);
    const cancel = new AbortController();
    const held = gatherer.forRun(0).submit(request('a'), cancel.signal);
    await turn();
    cancel.abort(new Error('cancelled: the experiment was interrupted'));
    await expect(held).rejects.toThrow('cancelled');
    expect(gatherer.held).toBe(0);
    const other = gatherer.forRun(1).submit(request('b'), new AbortController().signal);
    await turn();
    expect(flushed).toEqual([]); // run 0 has not ended yet
    gatherer.runEnded(0);
    await expect(other).resolves.toBe('ok');
    expect(flushed).toEqual([['run-1-step-1']]);

    // Stopping: runs that will never start no longer hold the barrier.
    const stopping = new BatchGatherer(5, async (calls) => calls.forEach((call) => call.resolve('late')));
    stopping.runStarted(0);
    const late = stopping.forRun(0).submit(request('x'), new AbortController().signal);
    await turn();
    stopping.noMoreRuns();
    await expect(late).resolves.toBe('late');
  });

  it('a failed flush fails every call it took; a call it left unanswered fails saying so', async () => {
    const failing = new BatchGatherer(1, async () => {
      throw new Error('upload refused');
    });
    failing.runStarted(0);
    await expect(failing.forRun(0).submit(request('a'), new AbortController().signal)).rejects.toThrow('upload refused');
    const silent = new BatchGatherer(1, async () => {});
    silent.runStarted(0);
    await expect(silent.forRun(0).submit(request('a'), new AbortController().signal)).rejects.toThrow('batch request run-0-step-1 got no answer');
  });
});

describe('batch input files', () => {
  const lines = Array.from({ length: 25 }, (_, i) => batchLine(`run-${i}-step-1`, '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'é'.repeat(i) }] }));

  it('a line is the request as the Batch API reads it', () => {
    expect(JSON.parse(lines[1]!.json)).toEqual({ custom_id: 'run-1-step-1', method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: 'é' }] } });
    expect(fileText(lines.slice(0, 2))).toBe(`${lines[0]!.json}\n${lines[1]!.json}\n`);
  });

  it('splits at the request limit and at the byte limit (UTF-8 bytes, newlines counted), keeping the order', () => {
    expect(splitIntoFiles(lines, { requests: 10, bytes: 1e6 }).map((file) => file.length)).toEqual([10, 10, 5]);
    const bytes = 600;
    const files = splitIntoFiles(lines, { requests: 50_000, bytes });
    expect(files.flat()).toEqual(lines);
    for (const file of files) expect(Buffer.byteLength(fileText(file))).toBeLessThanOrEqual(bytes);
    // Each file as full as it can be: the next line would not have fitted.
    for (const [i, file] of files.slice(0, -1).entries()) expect(Buffer.byteLength(fileText([...file, files[i + 1]![0]!]))).toBeGreaterThan(bytes);
    expect(() => splitIntoFiles(lines, { requests: 10, bytes: 50 })).toThrow(`Request run-0-step-1 is ${Buffer.byteLength(lines[0]!.json) + 1} bytes, more than a batch file may hold (50): run without --batch.`);
    expect(splitIntoFiles([], { requests: 10, bytes: 50 })).toEqual([]);
  });

  it('reads output and error files: bodies of 2xx lines, errors of the others', () => {
    const output = JSON.stringify({ id: 'r1', custom_id: 'run-0-step-1', response: { status_code: 200, body: { choices: [] } }, error: null });
    const errors = [
      JSON.stringify({ id: 'r2', custom_id: 'run-1-step-1', response: { status_code: 400, body: { error: { message: 'Bad request.' } } }, error: null }),
      JSON.stringify({ id: 'r3', custom_id: 'run-2-step-1', response: null, error: { code: 'batch_expired', message: 'Not run before the window expired.' } }),
      'not json',
    ].join('\n');
    expect(readOutput(`${output}\n`, errors)).toEqual(
      new Map<string, unknown>([
        ['run-0-step-1', { body: { choices: [] } }],
        ['run-1-step-1', { error: 'Bad request (HTTP 400)' }],
        ['run-2-step-1', { error: 'Not run before the window expired (batch_expired)' }],
      ]),
    );
    expect(readOutput(undefined, undefined).size).toBe(0);
  });
});

describe('the estimate', () => {
  it('counts input tokens at 4 characters per token, output at max_tokens or the stated assumption, at the batch price', () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(400) }] };
    expect(inputTokens(body)).toBe(Math.ceil(JSON.stringify([body.messages, [], null]).length / 4));
    const requests = [
      { model: 'gpt-4o-mini', body },
      { model: 'gpt-4o-mini', body: { ...body, max_tokens: 100 } },
      { model: 'my-local', body: { ...body, model: 'my-local', max_completion_tokens: 10 } },
    ];
    const estimate = estimateRequests(requests, 2, (model) => (model === 'gpt-4o-mini' ? { input: 0.075, output: 0.3 } : undefined));
    const tokens = inputTokens(body);
    expect(estimate).toEqual({
      batches: 2,
      models: [
        { model: 'gpt-4o-mini', requests: 2, inputTokens: 2 * tokens, outputTokens: ASSUMED_OUTPUT_TOKENS + 100, assumedOutputs: 1, dollars: (2 * tokens * 0.075 + 600 * 0.3) / 1e6 },
        { model: 'my-local', requests: 1, inputTokens: tokens, outputTokens: 10, assumedOutputs: 0, dollars: undefined },
      ],
    });
    expect(formatEstimate(estimate)).toBe(
      [
        '2 batches:',
        `  gpt-4o-mini: 2 requests, ~${2 * tokens} input tokens, up to ~600 output tokens (500 per reply assumed for the 1 without max_tokens); about $0.0002 at the Batch API price`,
        `  my-local: 1 request, ~${tokens} input tokens, up to ~10 output tokens; price of my-local unknown: no estimate in dollars`,
        '  total: about $0.0002 plus the models whose price is unknown',
      ].join('\n'),
    );
  });
});
