import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRetryAfter } from '../../default-plugins/openai/api-error.js';
import { backoff } from '../../default-plugins/openai/http.js';
import { httpSettings } from '../../default-plugins/openai/http-settings.js';
import { LlmError } from '../../src/errors.js';
import { errorReply, FakeOpenAIServer, hangUp, textReply } from '../helpers/fake-openai-server.js';
import { openaiHost, TEST_KEY } from '../helpers/openai-host.js';
import { tempDir } from '../helpers/temp-dir.js';

// Retries, timeouts, aborts and error messages, against the fake server over real HTTP. Backoff is
// made tiny through configuration (LLM_OPENAI_RETRY_DELAY=0.001, see openaiHost).

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir();
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

const url = () => `${server.baseUrl}/chat/completions`;

async function prompt(env: Record<string, string> = {}, text = 'hi', stream = true) {
  const { llm } = await openaiHost(server, dir.path, env);
  return (await llm.getModel('gpt-4o-mini')).prompt(text, { stream });
}

describe('retries', () => {
  it('tries again after 429 and 5xx answers and a reset connection, then succeeds', async () => {
    server.reply(errorReply(429, 'Rate limit reached'), errorReply(503, 'Overloaded'));
    expect(await (await prompt()).text()).toBe('You said: hi');
    expect(server.requests).toHaveLength(3);

    server.reply(hangUp());
    expect(await (await prompt({}, 'again', false)).text()).toBe('You said: again');
    expect(server.requests).toHaveLength(5);
  });

  it('gives up after 3 attempts by default, saying so; LLM_OPENAI_MAX_ATTEMPTS changes that', async () => {
    server.handle(() => errorReply(500, 'The server had an error while processing your request.'));
    await expect((await prompt()).text()).rejects.toThrow(
      `${url()} failed with 500 Internal Server Error: The server had an error while processing your request (gave up after 3 attempts). Try again later.`,
    );
    expect(server.requests).toHaveLength(3);
    await expect((await prompt({ LLM_OPENAI_MAX_ATTEMPTS: '1' })).text()).rejects.toThrow(/^\S+ failed with 500 Internal Server Error: The server had an error while processing your request\. Try/);
    expect(server.requests).toHaveLength(4);
  });

  it('honours Retry-After, and fails at once when it asks for longer than the limit', async () => {
    server.reply(errorReply(429, 'Slow down', { retryAfter: 1 }));
    const started = performance.now();
    expect(await (await prompt()).text()).toBe('You said: hi');
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    const [first, second] = server.requests;
    expect(second!.timeline.receivedAt - first!.timeline.receivedAt).toBeGreaterThanOrEqual(990);

    server.reply(errorReply(429, 'Slow down', { retryAfter: 120 }));
    await expect((await prompt()).text()).rejects.toThrow(
      `${url()} is rate limiting requests (429 Too Many Requests: Slow down); the server asks to wait 120 s. Try again later, or raise LLM_OPENAI_MAX_RETRY_DELAY (now 60 s) to wait that long.`,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a quota error, a 400 or a 401', async () => {
    server.reply(errorReply(429, 'You exceeded your current quota.', { code: 'insufficient_quota' }));
    await expect((await prompt()).text()).rejects.toThrow(/refused the request: quota exceeded .*Check your plan and billing details\.$/);
    server.reply(errorReply(400, "Invalid value for 'temperature'.", { param: 'temperature' }));
    await expect((await prompt()).text()).rejects.toThrow(
      `${url()} rejected the request (400 Bad Request): Invalid value for 'temperature' (parameter 'temperature').`,
    );
    server.reply(errorReply(401, 'Incorrect API key provided.'));
    await expect((await prompt()).text()).rejects.toThrow(/401/);
    expect(server.requests).toHaveLength(3);
  });

  it('retries a stream cut before any text, never one cut after text reached the reader', async () => {
    server.reply(textReply('never seen', { cutAfter: 1 }));
    expect(await (await prompt()).text()).toBe('You said: hi');
    expect(server.requests).toHaveLength(2);

    server.reply(textReply(['first ', 'second ', 'third'], { cutAfter: 3 }));
    const response = await prompt();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const piece of response) seen.push(piece);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['first ', 'second ']);
    expect((error as Error).message).toBe(`The connection to ${url()} closed before the reply was complete after 13 characters. Try again.`);
    expect(server.requests).toHaveLength(3);
  });
});

describe('errors say what to do', () => {
  it('401: how to set the key', async () => {
    server.reply(errorReply(401, `Incorrect API key provided: ${TEST_KEY.slice(0, 8)}***********XYZ. You can find your API key at https://platform.openai.com/account/api-keys.`));
    const error = (await (await prompt()).text().catch((e: unknown) => e)) as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error.message).toMatch(
      new RegExp(`^${url()} rejected the API key \\(401 Unauthorized: Incorrect API key provided: sk-\\[redacted\\]\\. You can find .*\\)\\. Set a valid key with 'llm keys set openai' or the OPENAI_API_KEY environment variable, or pass --key\\.$`),
    );
  });

  it('404: check the model name and the base URL', async () => {
    server.reply(errorReply(404, 'The model `gpt-4o-mini` does not exist or you do not have access to it.', { code: 'model_not_found' }));
    await expect((await prompt()).text()).rejects.toThrow(
      `${url()} answered 404 Not Found: The model \`gpt-4o-mini\` does not exist or you do not have access to it. Check the model name 'gpt-4o-mini' ('llm openai models' lists what the server offers) and the base URL ${server.baseUrl} (OPENAI_BASE_URL or api_base; it usually ends in /v1).`,
    );
  });

  it('a refused connection names the URL', async () => {
    const closed = await FakeOpenAIServer.start();
    await closed.close();
    const { llm } = await openaiHost(server, dir.path, { OPENAI_BASE_URL: closed.baseUrl });
    await expect((await llm.getModel('4o')).prompt('x').text()).rejects.toThrow(
      `Could not connect to ${closed.url}: connection refused. Is the server running, and is the base URL right (OPENAI_BASE_URL, or api_base in extra-openai-models.yaml)?`,
    );
  });

  it('a bad base URL or setting is named', async () => {
    await expect((await prompt({ OPENAI_BASE_URL: 'api.example.com' })).text()).rejects.toThrow('OPENAI_BASE_URL is not a URL (got "api.example.com")');
    await expect((await prompt({ LLM_OPENAI_MAX_ATTEMPTS: 'lots' })).text()).rejects.toThrow(
      'the LLM_OPENAI_MAX_ATTEMPTS environment variable must be a whole number of at least 1 (got "lots").',
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('timeouts and aborts', () => {
  it('times out waiting for headers, and when a stream stalls (LLM_OPENAI_TIMEOUT)', async () => {
    server.handle(() => new Promise(() => {}));
    await expect((await prompt({ LLM_OPENAI_TIMEOUT: '0.2' })).text()).rejects.toThrow(
      `No reply from ${url()} within 0.2 s. Set LLM_OPENAI_TIMEOUT (seconds) to wait longer.`,
    );
    server.handle(() => textReply(['slow ', 'stream'], { delayMs: 600 }));
    await expect((await prompt({ LLM_OPENAI_TIMEOUT: '0.2' })).text()).rejects.toThrow(`The reply from ${url()} stalled for more than 0.2 s`);
  });

  it('aborts a stream mid-way with the signal, with its reason', async () => {
    server.reply(textReply(['one ', 'two ', 'three ', 'four'], { delayMs: 200 }));
    const { llm } = await openaiHost(server, dir.path);
    const controller = new AbortController();
    const response = (await llm.getModel('4o')).prompt('x', { signal: controller.signal });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const piece of response) {
        seen.push(piece);
        controller.abort(new Error('stopped by the test'));
      }
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe('stopped by the test');
    expect(seen).toEqual(['one ']);
    // The client hung up while the server was still streaming, and did not try again.
    expect(server.requests[0]!.timeline.endedAt).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('aborts while waiting to retry', async () => {
    // An hour's wait, which the settings allow: only the abort can end it (else the test times out).
    server.reply(errorReply(429, 'Slow down', { retryAfter: 3600 }));
    const { llm } = await openaiHost(server, dir.path, { LLM_OPENAI_MAX_RETRY_DELAY: '7200' });
    const controller = new AbortController();
    const text = (await llm.getModel('4o')).prompt('x', { signal: controller.signal }).text();
    const failed = text.catch((error: unknown) => error);
    while (server.requests.length === 0) await sleep(5);
    await sleep(100); // the client reads the 429 and starts waiting (an abort before that ends it too)
    controller.abort(new Error('stopped by the test'));
    expect(((await failed) as Error).message).toBe('stopped by the test');
    expect(server.requests).toHaveLength(1);
  });
});

describe('the key never leaks', () => {
  it('appears in no error, warning, logged response or raw JSON', async () => {
    writeFileSync(join(dir.path, 'extra-openai-models.yaml'), `- model_id: echo-server\n  api_base: ${server.baseUrl}\n  api_key_name: other\n`);
    const { llm, warnings, logged } = await openaiHost(server, dir.path);
    const model = await llm.getModel('gpt-4o-mini');
    const seen: unknown[] = [];
    // Servers that repeat the key back, in every place a client shows or stores.
    server.reply(
      errorReply(401, `Incorrect API key provided: ${TEST_KEY}`),
      errorReply(400, `bad request from ${TEST_KEY}`),
      errorReply(500, `boom ${TEST_KEY}`, { retryAfter: 0 }),
      errorReply(500, `boom ${TEST_KEY}`, { retryAfter: 0 }),
      errorReply(500, `boom ${TEST_KEY}`, { retryAfter: 0 }),
      { kind: 'stream', events: [`data: {"error": {"message": "stream broke for ${TEST_KEY}"}}\n\n`] },
      { kind: 'stream', events: [`data: not json ${TEST_KEY}\n\n`] },
      textReply('A fine reply', { model: `model-${TEST_KEY}` }),
    );
    for (let i = 0; i < 5; i++) seen.push(await model.prompt('x').text().catch((e: unknown) => e));
    const leaky = model.prompt('x');
    await leaky.done();
    seen.push(leaky.responseJson);
    // --key with the key itself, then a timeout.
    server.reply(errorReply(403, `key ${TEST_KEY} may not use this model`));
    seen.push(await (await llm.getModel('echo-server')).prompt('x', { key: TEST_KEY }).text().catch((e: unknown) => e));
    server.handle(() => new Promise(() => {}));
    seen.push(await (await prompt({ LLM_OPENAI_TIMEOUT: '0.1' })).text().catch((e: unknown) => e));
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TEST_KEY}`)).toBe(true);

    const errors = seen.filter((item): item is Error => item instanceof Error);
    expect(errors).toHaveLength(7);
    expect(seen[5]).toMatchObject({ content: 'A fine reply', model: 'model-[key]' });
    expect(leaky.resolvedModel).toBe('model-[key]');
    const everything = [
      ...errors.flatMap((e) => [e.message, e.stack, String((e.cause as Error | undefined)?.message)]),
      ...warnings,
      JSON.stringify(seen[5]),
      ...logged.map((r) => JSON.stringify({ ...r, json: r.responseJson, resolved: r.resolvedModel, prompt: r.prompt, model: r.model })),
    ].join('\n');
    expect(everything).not.toContain(TEST_KEY);
    expect(everything).not.toContain(TEST_KEY.slice(3, 20));
  });
});

describe('settings and helpers', () => {
  it('reads settings from the environment over config options, in seconds', () => {
    expect(httpSettings({}, {})).toEqual({ timeoutMs: 600_000, connectTimeoutMs: 10_000, maxAttempts: 3, retryDelayMs: 500, maxRetryDelayMs: 60_000 });
    expect(httpSettings({ LLM_OPENAI_TIMEOUT: '30', LLM_OPENAI_MAX_ATTEMPTS: '5' }, { timeout: 120, retryDelay: 0.25 })).toMatchObject({
      timeoutMs: 30_000,
      maxAttempts: 5,
      retryDelayMs: 250,
    });
    expect(() => httpSettings({}, { maxAttempts: 0 })).toThrow("the openai plugin option 'maxAttempts' must be a whole number of at least 1 (got 0).");
    expect(() => httpSettings({ LLM_OPENAI_TIMEOUT: '-1' }, {})).toThrow('LLM_OPENAI_TIMEOUT environment variable must be a number of seconds (0 or more) (got "-1").');
  });

  it('backs off exponentially with jitter, capped', () => {
    const settings = { retryDelayMs: 100, maxRetryDelayMs: 1000 };
    for (let i = 0; i < 50; i++) {
      expect(backoff(1, settings)).toBeGreaterThanOrEqual(50);
      expect(backoff(1, settings)).toBeLessThanOrEqual(100);
      expect(backoff(3, settings)).toBeGreaterThanOrEqual(200);
      expect(backoff(3, settings)).toBeLessThanOrEqual(400);
      expect(backoff(10, settings)).toBeLessThanOrEqual(1000);
    }
    expect(new Set(Array.from({ length: 20 }, () => backoff(5, settings))).size).toBeGreaterThan(1);
  });

  it('parses Retry-After in seconds, as a date, and retry-after-ms', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '7' }, now)).toBe(7000);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '7' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });
});
