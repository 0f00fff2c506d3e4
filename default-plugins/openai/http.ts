import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { networkError, OpenAIApiError, statusError, type Target } from './api-error.js';
import type { HttpSettings } from './http-settings.js';

type Http = typeof import('node:http');

/** node:http and node:https, imported on the first request. */
interface HttpModules {
  readonly http: Http;
  readonly https: typeof import('node:https');
}

let modules: Promise<HttpModules> | undefined;

/**
 * Node's own HTTP client, imported on the first request (or while a prompt is prepared). Node's
 * http is part of the binary, with its native parser: a prompt's request costs a few milliseconds
 * to set up where undici (its JavaScript and its WebAssembly parser) cost a logged prompt about as
 * much as Node's own start.
 */
export function loadHttp(): Promise<HttpModules> {
  modules ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => ({ http, https }));
  return modules;
}

const agents = new Map<string, HttpAgent>();

/**
 * One keep-alive connection pool per protocol and connect timeout, kept for the life of the
 * process. Idle sockets do not keep the process alive (Node unrefs them). Read timeouts are ours
 * (ReadTimer).
 */
function agentFor({ http, https }: HttpModules, protocol: string, settings: HttpSettings): HttpAgent {
  const key = `${protocol}${settings.connectTimeoutMs}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new (protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

/** The connection was not made within the connect timeout. */
export class ConnectTimeoutError extends Error {
  readonly code = 'LLM_CONNECT_TIMEOUT';

  constructor() {
    super('connect timeout');
  }
}

/**
 * Sends one request with node:http(s) and resolves with the response once its headers are in.
 * Rejects on a network error, when the connection is not made in time (ConnectTimeoutError), or
 * with the signal's reason when `signal` aborts (which also ends the response's body).
 */
function request(
  { http, https }: HttpModules,
  url: URL,
  init: { method: string; headers: Record<string, string>; body: string | undefined },
  settings: HttpSettings,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const headers = body === undefined ? init.headers : { ...init.headers, 'content-length': String(body.length) };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: init.method, headers, agent: agentFor({ http, https }, url.protocol, settings) });
    let connectTimer: NodeJS.Timeout | undefined;
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    const done = () => {
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
    };
    req.on('socket', (socket) => {
      // A reused keep-alive socket is connected already.
      if (!socket.connecting || settings.connectTimeoutMs <= 0) return;
      connectTimer = setTimeout(() => req.destroy(new ConnectTimeoutError()), settings.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (error) => {
      done();
      reject(error);
    });
    req.on('response', (response) => {
      clearTimeout(connectTimer);
      // From here the abort ends the body (the reader sees the error).
      signal.removeEventListener('abort', onAbort);
      const abortBody = () => response.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      if (signal.aborted) abortBody();
      else {
        signal.addEventListener('abort', abortBody, { once: true });
        response.once('close', () => signal.removeEventListener('abort', abortBody));
      }
      resolve(response);
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
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
  const http = await loadHttp();
  const timer = new ReadTimer(settings.timeoutMs, signal);
  /** The error to throw: the caller's abort reason, our ReadTimeoutError, or the network's own. */
  const cause = (error: unknown): unknown => {
    timer.stop();
    if (signal.aborted) return abortReason(signal, error);
    return timer.timedOut ? timer.signal.reason : error;
  };
  let response: IncomingMessage;
  try {
    response = await request(http, new URL(target.url), { method: init.method, headers: init.headers, body: init.body }, settings, timer.signal);
  } catch (error) {
    const failure = cause(error);
    throw signal.aborted ? failure : networkError(target, failure);
  }
  timer.phase = 'body';
  timer.touch();
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      for await (const piece of response) {
        timer.touch();
        yield piece as Uint8Array;
      }
    } catch (error) {
      // Left to the reader, which knows how much of the reply had arrived (see networkError).
      throw cause(error);
    } finally {
      timer.stop();
      // A reader that stopped early (an error in the reply) leaves the rest unread: drop it.
      if (!response.complete) response.destroy();
    }
  }
  const text = async (): Promise<string> => {
    const decoder = new TextDecoder();
    let result = '';
    for await (const piece of body()) result += decoder.decode(piece, { stream: true });
    return result + decoder.decode();
  };
  const statusCode = response.statusCode ?? 0;
  const headers: IncomingHttpHeaders = response.headers;
  if (statusCode >= 200 && statusCode < 300) return { statusCode, headers, body: body(), text };
  let message = '';
  try {
    message = await text();
  } catch (error) {
    if (signal.aborted) throw error;
    // The status says enough; a broken or slow error body changes nothing.
  }
  throw statusError(target, statusCode, headers, message);
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

/** Whether an error came from the network stack or a connect or read timeout, rather than from our code. */
function isNetworkError(error: Error): boolean {
  if (error instanceof ReadTimeoutError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || code === 'LLM_CONNECT_TIMEOUT' || /^E[A-Z]+$/.test(code));
}

/** What to throw when the caller aborted: the signal's reason (Ctrl-C: InterruptedError). */
function abortReason(signal: AbortSignal, fallback: unknown): unknown {
  return signal.reason ?? fallback;
}
