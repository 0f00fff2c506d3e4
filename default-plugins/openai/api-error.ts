import { LlmError } from 'llm-host';

/** The request an error is about, and how to fix the usual mistakes. */
export interface Target {
  /** The full URL requested. */
  readonly url: string;
  /** The key sent, so that no message ever repeats it. */
  readonly key: string | undefined;
  /** What to do about a rejected key (401). */
  readonly keyFix: string;
  /** What to do about a 404. */
  readonly notFoundFix: string;
  /** The HTTP settings, for timeout messages. */
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
}

/**
 * A failed request, as one line that says what to do next. `retryable` failures (429, 5xx,
 * connection resets) are retried while no output has reached the user.
 */
export class OpenAIApiError extends LlmError {
  constructor(
    /** What went wrong, without a final period. */
    readonly summary: string,
    /** What to do about it: a sentence, or empty. */
    readonly fix: string,
    readonly details: {
      readonly status?: number | undefined;
      readonly retryable?: boolean | undefined;
      /** The wait the server asked for (Retry-After), in milliseconds. */
      readonly retryAfterMs?: number | undefined;
      readonly cause?: unknown;
    } = {},
  ) {
    super(fix ? `${summary}. ${fix}` : `${summary}.`, { cause: details.cause });
  }

  /** HTTP status, if the server answered. */
  get status(): number | undefined {
    return this.details.status;
  }

  /** Whether trying again may help. */
  get retryable(): boolean {
    return this.details.retryable ?? false;
  }

  /** The same error, saying how many attempts were made. */
  afterAttempts(attempts: number): OpenAIApiError {
    if (attempts <= 1) return this;
    return new OpenAIApiError(`${this.summary} (gave up after ${attempts} attempts)`, this.fix, this.details);
  }
}

/** Where a request went, for messages: no credentials, no query string. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}

/** Removes the key (and anything that looks like an OpenAI key) from text shown to the user. */
export function redact(text: string, key: string | undefined): string {
  let result = key && key.length >= 4 ? text.split(key).join('[key]') : text;
  result = result.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]');
  return result;
}

/** The error message in an error body (OpenAI's `{ error: { message } }`, or common variants), on one line. */
export function serverMessage(body: string, key: string | undefined): { message: string; code?: string; param?: string } {
  let message = body;
  let code: string | undefined;
  let param: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: unknown; detail?: unknown; message?: unknown };
    const error = parsed.error;
    if (error && typeof error === 'object') {
      const record = error as { message?: unknown; code?: unknown; type?: unknown; param?: unknown };
      if (typeof record.message === 'string') message = record.message;
      if (typeof record.code === 'string') code = record.code;
      else if (typeof record.type === 'string') code = record.type;
      if (typeof record.param === 'string') param = record.param;
    } else if (typeof error === 'string') {
      message = error;
    } else if (typeof parsed.message === 'string') {
      message = parsed.message;
    } else if (parsed.detail !== undefined) {
      message = typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail);
    }
  } catch {
    // Not JSON: show the text itself.
  }
  let line = redact(message, key).replace(/\s+/g, ' ').trim();
  if (line.length > 300) line = `${line.slice(0, 297)}...`;
  return { message: line.replace(/\.$/, ''), ...(code ? { code } : {}), ...(param ? { param } : {}) };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The error for a non-2xx answer. */
export function statusError(target: Target, status: number, headers: Record<string, string | string[] | undefined>, body: string): OpenAIApiError {
  const where = displayUrl(target.url);
  const server = serverMessage(body, target.key);
  const said = server.message ? `: ${server.message}` : '';
  const label = `${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''}`;
  const retryAfterMs = parseRetryAfter(headers);
  if (status === 401) {
    return new OpenAIApiError(`${where} rejected the API key (${label}${said})`, target.keyFix, { status });
  }
  if (status === 404) {
    return new OpenAIApiError(`${where} answered ${label}${said}`, target.notFoundFix, { status });
  }
  if (status === 429) {
    if (server.code === 'insufficient_quota') {
      return new OpenAIApiError(`${where} refused the request: quota exceeded (${label}${said})`, 'Check your plan and billing details.', { status });
    }
    return new OpenAIApiError(`${where} is rate limiting requests (${label}${said})`, 'Wait a little and try again.', {
      status,
      retryable: true,
      retryAfterMs,
    });
  }
  if (status >= 500 || status === 408 || status === 409) {
    return new OpenAIApiError(`${where} failed with ${label}${said}`, 'Try again later.', { status, retryable: true, retryAfterMs });
  }
  const param = server.param ? ` (parameter '${server.param}')` : '';
  if (status === 400 || status === 422) {
    return new OpenAIApiError(`${where} rejected the request (${label})${said}${param}`, '', { status });
  }
  return new OpenAIApiError(`${where} answered ${label}${said}${param}`, '', { status });
}

/**
 * The wait a server asks for: OpenAI's `retry-after-ms`, else `Retry-After` in seconds or as an
 * HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const first = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const ms = Number(first('retry-after-ms'));
  if (first('retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = first('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Error codes of a connection that broke: worth another attempt. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED', 'EAI_AGAIN']);

/**
 * The error for a request that got no (complete) answer: refused or reset connection, unknown
 * host, timeouts. `received` is how many characters of the reply had arrived.
 */
export function networkError(target: Target, error: unknown, received = 0): OpenAIApiError {
  if (error instanceof OpenAIApiError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const url = new URL(target.url);
  const origin = `${url.protocol}//${url.host}`;
  const seconds = (ms: number) => `${ms / 1000} s`;
  const partial = received > 0 ? ` (after ${received} characters of the reply)` : '';
  switch (code) {
    case 'ECONNREFUSED':
      return new OpenAIApiError(
        `Could not connect to ${origin}: connection refused`,
        'Is the server running, and is the base URL right (OPENAI_BASE_URL, or api_base in extra-openai-models.yaml)?',
        { cause: error },
      );
    case 'ENOTFOUND':
      return new OpenAIApiError(`Could not connect to ${origin}: host ${url.hostname} not found`, 'Check the base URL and your network.', { cause: error });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'LLM_CONNECT_TIMEOUT':
      return new OpenAIApiError(
        `Could not connect to ${origin} within ${seconds(target.connectTimeoutMs)}`,
        'Check your network, or set LLM_OPENAI_CONNECT_TIMEOUT (seconds) to wait longer.',
        { cause: error, retryable: true },
      );
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'LLM_HEADERS_TIMEOUT':
      return new OpenAIApiError(`No reply from ${displayUrl(target.url)} within ${seconds(target.timeoutMs)}`, 'Set LLM_OPENAI_TIMEOUT (seconds) to wait longer.', {
        cause: error,
      });
    case 'UND_ERR_BODY_TIMEOUT':
    case 'LLM_BODY_TIMEOUT':
      return new OpenAIApiError(
        `The reply from ${displayUrl(target.url)} stalled for more than ${seconds(target.timeoutMs)}${partial}`,
        'Set LLM_OPENAI_TIMEOUT (seconds) to wait longer.',
        { cause: error },
      );
    default:
      if (RESET_CODES.has(code)) return cutError(target, received, error);
      return new OpenAIApiError(`The request to ${displayUrl(target.url)} failed: ${redact(messageOf(error), target.key)}`, '', { cause: error });
  }
}

/** The connection closed before the reply was complete. */
export function cutError(target: Target, received: number, cause?: unknown): OpenAIApiError {
  const partial = received > 0 ? ` after ${received} characters` : '';
  return new OpenAIApiError(`The connection to ${displayUrl(target.url)} closed before the reply was complete${partial}`, 'Try again.', {
    cause,
    retryable: true,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
