import { STATUS_CODES } from 'node:http';
import { LlmError } from 'llm-host';

/** The request an error is about. */
export interface Target {
  /** The full URL requested. */
  readonly url: string;
  /** The key sent, so that no message ever repeats it. */
  readonly key: string | undefined;
  /** The model name sent, for a 404. */
  readonly modelName: string;
  /** The read timeout, for its message. */
  readonly timeoutMs: number;
}

/**
 * A failed request, as one line that says what to do next. `retryable` failures (429, 529, 5xx,
 * an `overloaded_error` event, a broken connection) are retried while no output has reached the user.
 */
export class AnthropicApiError extends LlmError {
  constructor(
    /** What went wrong, without a final period. */
    readonly summary: string,
    /** What to do about it: a sentence, or empty. */
    readonly fix: string,
    readonly details: { readonly status?: number; readonly retryable?: boolean; readonly retryAfterMs?: number | undefined; readonly cause?: unknown } = {},
  ) {
    super(fix ? `${summary}. ${fix}` : `${summary}.`, { cause: details.cause });
  }

  get retryable(): boolean {
    return this.details.retryable ?? false;
  }

  /** The same error, saying how many attempts were made. */
  afterAttempts(attempts: number): AnthropicApiError {
    return attempts <= 1 ? this : new AnthropicApiError(`${this.summary} (gave up after ${attempts} attempts)`, this.fix, this.details);
  }
}

/** Where a request went, for messages: no credentials, no query string. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** Removes the key (and anything that looks like an Anthropic key) from text shown to the user. */
export function redact(text: string, key: string | undefined): string {
  const result = key && key.length >= 4 ? text.split(key).join('[key]') : text;
  return result.replace(/\bsk-ant-[A-Za-z0-9_*-]{4,}/g, 'sk-ant-[redacted]');
}

/** Anthropic's error object, `{ type: "error", error: { type, message } }`, read from a body or an `error` event. */
export function errorOf(body: string, key: string | undefined): { type?: string; message: string } {
  let message = body;
  let type: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { type?: unknown; message?: unknown } | string; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') message = error;
    else if (error && typeof error === 'object') {
      if (typeof error.message === 'string') message = error.message;
      if (typeof error.type === 'string') type = error.type;
    } else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON (a proxy's HTML page, say): show the text itself.
  }
  let line = redact(message, key).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  if (line.length > 300) line = `${line.slice(0, 297)}...`;
  return { ...(type ? { type } : {}), message: line };
}

type Headers = Record<string, string | string[] | undefined>;

/** The error for a non-2xx answer. */
export function statusError(target: Target, status: number, headers: Headers, body: string): AnthropicApiError {
  const where = displayUrl(target.url);
  const server = errorOf(body, target.key);
  const text = status === 529 ? 'Overloaded' : STATUS_CODES[status];
  const label = `${status}${text ? ` ${text}` : ''}${server.message ? `: ${server.message}` : ''}`;
  const retryAfterMs = parseRetryAfter(headers);
  // Anthropic says outright whether a retry may help; without the header, the status decides.
  const shouldRetry = first(headers, 'x-should-retry');
  const retryable = shouldRetry === 'true' || (shouldRetry !== 'false' && (status === 408 || status === 409 || status === 429 || status >= 500));
  if (status === 401) {
    return new AnthropicApiError(`${where} rejected the API key (${label})`, "Set a valid key with 'llm keys set anthropic' or the ANTHROPIC_API_KEY environment variable, or pass --key.", { status });
  }
  if (status === 404) {
    return new AnthropicApiError(`${where} answered ${label}`, `Check the model name '${target.modelName}' and ANTHROPIC_BASE_URL (the API's root, without /v1).`, { status });
  }
  if (status === 429) return new AnthropicApiError(`${where} is rate limiting requests (${label})`, 'Wait a little and try again.', { status, retryable, retryAfterMs });
  if (status === 529) return new AnthropicApiError(`${where} is overloaded (${label})`, 'Try again later.', { status, retryable, retryAfterMs });
  if (status >= 500 || retryable) return new AnthropicApiError(`${where} failed with ${label}`, 'Try again later.', { status, retryable, retryAfterMs });
  if (status === 400 || status === 413) return new AnthropicApiError(`${where} rejected the request (${label})`, '', { status });
  return new AnthropicApiError(`${where} answered ${label}`, '', { status });
}

/** An `error` event in a stream (overloaded_error and api_error are worth another attempt). */
export function streamError(target: Target, data: string): AnthropicApiError {
  const error = errorOf(data, target.key);
  const retryable = error.type === 'overloaded_error' || error.type === 'api_error';
  return new AnthropicApiError(`${displayUrl(target.url)} reported an error${error.type ? ` (${error.type})` : ''}: ${error.message}`, retryable ? 'Try again later.' : '', { retryable });
}

/** The wait a server asks for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = first(headers, 'retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = first(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function first(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Error codes of a connection that broke: worth another attempt. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** The error for a request that got no (complete) answer; `received` is how many characters of the reply had arrived. */
export function networkError(target: Target, error: unknown, received = 0): AnthropicApiError {
  if (error instanceof AnthropicApiError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const origin = new URL(target.url).origin;
  if (code === 'ECONNREFUSED') {
    return new AnthropicApiError(`Could not connect to ${origin}: connection refused`, 'Is the server running, and is ANTHROPIC_BASE_URL right?', { cause: error });
  }
  if (code === 'ENOTFOUND') return new AnthropicApiError(`Could not connect to ${origin}: host ${new URL(target.url).hostname} not found`, 'Check ANTHROPIC_BASE_URL and your network.', { cause: error });
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new AnthropicApiError(`No reply from ${displayUrl(target.url)} within ${target.timeoutMs / 1000} s`, 'Set LLM_ANTHROPIC_TIMEOUT (seconds) to wait longer.', { cause: error });
  }
  if (RESET_CODES.has(code)) return cutError(target, received, error);
  const message = error instanceof Error ? error.message : String(error);
  return new AnthropicApiError(`The request to ${displayUrl(target.url)} failed: ${redact(message, target.key)}`, '', { cause: error });
}

/** The connection closed before the reply was complete. */
export function cutError(target: Target, received: number, cause?: unknown): AnthropicApiError {
  const partial = received > 0 ? ` after ${received} characters` : '';
  return new AnthropicApiError(`The connection to ${displayUrl(target.url)} closed before the reply was complete${partial}`, 'Try again.', { cause, retryable: true });
}
