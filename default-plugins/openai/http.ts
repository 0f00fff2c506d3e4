import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { networkError, OpenAIApiError, statusError, type Target } from './api-error.js';
import type { HttpSettings } from './http-settings.js';

type Undici = typeof import('undici');

/** The two parts of undici this plugin uses. */
interface HttpClient {
  readonly Agent: Undici['Agent'];
  readonly request: (
    url: string,
    options: { method: Dispatcher.HttpMethod; headers: Record<string, string>; body: string | undefined; signal: AbortSignal; dispatcher: Dispatcher },
  ) => Promise<Dispatcher.ResponseData>;
}

let undici: Promise<HttpClient> | undefined;

/**
 * undici, imported on the first request (never at start-up). Only the agent and `request()` are
 * loaded: undici's index loads everything else it has too (fetch, WebSocket, caches, mocks), which
 * costs every prompt about 70 ms more. `request()` is what the index exports, minus the global
 * dispatcher: the URL is parsed by undici's own parseURL, as there. Should a future undici move
 * these files, the whole package is loaded instead.
 */
export function loadUndici(): Promise<HttpClient> {
  undici ??= loadParts().catch(() =>
    // undici is CommonJS: in the bundled build its exports are only on `default`.
    import('undici').then((module) => (module as Undici & { default?: Undici }).default ?? module),
  );
  return undici;
}

async function loadParts(): Promise<HttpClient> {
  // CommonJS modules: their exports are the default export of import().
  const [agent, api, util] = await Promise.all([
    import('undici/lib/dispatcher/agent.js').then((module) => module.default),
    import('undici/lib/api/api-request.js').then((module) => module.default),
    import('undici/lib/core/util.js').then((module) => module.default),
  ]);
  if (typeof agent !== 'function' || typeof api !== 'function' || typeof util.parseURL !== 'function') throw new Error('undici has changed');
  return {
    Agent: agent,
    request: (url, { dispatcher, ...options }) => {
      const parsed = util.parseURL(url);
      return api.call(dispatcher, { ...options, origin: parsed.origin, path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname });
    },
  };
}

const agents = new Map<number, Dispatcher>();

/**
 * One connection pool per connect timeout, kept for the life of the process (keep-alive). Read
 * timeouts are ours (ReadTimer): undici's use a coarse clock (about a second), too coarse for the
 * short timeouts tests use.
 */
async function agentFor(settings: HttpSettings): Promise<Dispatcher> {
  let agent = agents.get(settings.connectTimeoutMs);
  if (!agent) {
    const { Agent } = await loadUndici();
    agent = new Agent({ connect: { timeout: settings.connectTimeoutMs }, headersTimeout: 0, bodyTimeout: 0 });
    agents.set(settings.connectTimeoutMs, agent);
  }
  return agent;
}

/** No reply, or no new data, within the read timeout. */
export class ReadTimeoutError extends Error {
  readonly code: 'LLM_HEADERS_TIMEOUT' | 'LLM_BODY_TIMEOUT';

  constructor(phase: 'headers' | 'body') {
    super(phase === 'headers' ? 'no reply headers in time' : 'no reply data in time');
    this.code = phase === 'headers' ? 'LLM_HEADERS_TIMEOUT' : 'LLM_BODY_TIMEOUT';
  }
}

/**
 * The signal for one request: aborted by the caller's signal, or when nothing arrives for `ms`
 * (0: never); `touch()` restarts the wait, `stop()` ends both.
 */
class ReadTimer {
  readonly controller = new AbortController();
  phase: 'headers' | 'body' = 'headers';
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly forward: () => void;

  constructor(
    ms: number,
    private readonly caller: AbortSignal,
  ) {
    if (ms > 0) this.timer = setTimeout(() => this.controller.abort(new ReadTimeoutError(this.phase)), ms).unref();
    this.forward = () => this.controller.abort(caller.reason);
    if (caller.aborted) this.forward();
    else caller.addEventListener('abort', this.forward, { once: true });
  }

  /** Aborted by the caller or by the timeout. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the timeout (not the caller) aborted the request. */
  get timedOut(): boolean {
    return this.controller.signal.reason instanceof ReadTimeoutError;
  }

  touch(): void {
    this.timer?.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.caller.removeEventListener('abort', this.forward);
  }
}

/** A 2xx answer whose body has not been read yet. */
export interface OkResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body's bytes as they arrive; each piece restarts the read timeout. */
  readonly body: AsyncIterable<Uint8Array>;
  /** The whole body as text. */
  text(): Promise<string>;
}

/**
 * Sends one request. Resolves with a 2xx answer (body unread); throws an OpenAIApiError for any
 * other status (after reading its body for the server's message), a broken connection or a read
 * timeout, and the signal's reason when the caller aborts.
 */
export async function send(
  target: Target,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | undefined },
  settings: HttpSettings,
  signal: AbortSignal,
): Promise<OkResponse> {
  const { request } = await loadUndici();
  const timer = new ReadTimer(settings.timeoutMs, signal);
  /** The error to throw: the caller's abort reason, our ReadTimeoutError, or the network's own. */
  const cause = (error: unknown): unknown => {
    timer.stop();
    if (signal.aborted) return abortReason(signal, error);
    return timer.timedOut ? timer.signal.reason : error;
  };
  let response: Dispatcher.ResponseData;
  try {
    response = await request(target.url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: timer.signal,
      dispatcher: await agentFor(settings),
    });
  } catch (error) {
    const failure = cause(error);
    throw signal.aborted ? failure : networkError(target, failure);
  }
  timer.phase = 'body';
  timer.touch();
  const raw = response.body;
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      for await (const piece of raw) {
        timer.touch();
        yield piece as Uint8Array;
      }
    } catch (error) {
      // Left to the reader, which knows how much of the reply had arrived (see networkError).
      throw cause(error);
    } finally {
      timer.stop();
    }
  }
  const text = async (): Promise<string> => {
    const decoder = new TextDecoder();
    let result = '';
    for await (const piece of body()) result += decoder.decode(piece, { stream: true });
    return result + decoder.decode();
  };
  if (response.statusCode >= 200 && response.statusCode < 300) return { statusCode: response.statusCode, headers: response.headers, body: body(), text };
  let message = '';
  try {
    message = await text();
  } catch (error) {
    if (signal.aborted) throw error;
    // The status says enough; a broken or slow error body changes nothing.
  }
  throw statusError(target, response.statusCode, response.headers, message);
}

/**
 * Runs `attempt` (a request and the reading of its reply), yielding what it yields, and tries
 * again on a retryable failure (429, 5xx, a reset connection): exponential backoff with jitter,
 * or the server's Retry-After, at most `settings.maxAttempts` attempts in all. Never tries again
 * once anything has been yielded: that output may already be on the user's screen.
 */
export async function* withRetries<T>(
  target: Target,
  settings: HttpSettings,
  signal: AbortSignal,
  attempt: () => AsyncIterable<T>,
): AsyncGenerator<T> {
  for (let number = 1; ; number++) {
    let delivered = false;
    try {
      for await (const item of attempt()) {
        delivered = true;
        yield item;
      }
      return;
    } catch (error) {
      if (signal.aborted) throw abortReason(signal, error);
      const failure = error instanceof OpenAIApiError ? error : error instanceof Error && !isNetworkError(error) ? undefined : networkError(target, error);
      if (!failure) throw error;
      const wait = failure.details.retryAfterMs ?? backoff(number, settings);
      const retry = !delivered && failure.retryable && number < settings.maxAttempts;
      if (!retry) throw failure.afterAttempts(number);
      if (wait > settings.maxRetryDelayMs) {
        const asked = `${failure.summary}; the server asks to wait ${Math.ceil(wait / 1000)} s`;
        throw new OpenAIApiError(asked, `Try again later, or raise LLM_OPENAI_MAX_RETRY_DELAY (now ${settings.maxRetryDelayMs / 1000} s) to wait that long.`, failure.details).afterAttempts(number);
      }
      try {
        await sleep(wait, undefined, { signal });
      } catch (sleepError) {
        throw abortReason(signal, sleepError);
      }
    }
  }
}

/** Exponential backoff with jitter: half to all of retryDelay * 2^(attempt-1), capped. */
export function backoff(attempt: number, settings: Pick<HttpSettings, 'retryDelayMs' | 'maxRetryDelayMs'>): number {
  const ceiling = Math.min(settings.maxRetryDelayMs, settings.retryDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Whether an error came from the network stack (Node or undici) or a read timeout, rather than from our code. */
function isNetworkError(error: Error): boolean {
  if (error instanceof ReadTimeoutError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || /^E[A-Z]+$/.test(code));
}

/** What to throw when the caller aborted: the signal's reason (Ctrl-C: InterruptedError). */
function abortReason(signal: AbortSignal, fallback: unknown): unknown {
  return signal.reason ?? fallback;
}
