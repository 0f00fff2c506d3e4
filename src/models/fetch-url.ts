import { LlmError } from '../errors.js';

/** How much a URL may send and how long it may take. */
export interface FetchLimits {
  /** Largest body accepted, in bytes (default: LLM_FETCH_MAX_BYTES, else 25 MiB). */
  readonly maxBytes?: number | undefined;
  /** Longest wait for the whole body, in milliseconds (default: LLM_FETCH_TIMEOUT seconds, else 30 s). */
  readonly timeoutMs?: number | undefined;
}

const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** The limits in force: the caller's, else the environment's, else the defaults. */
export function fetchLimits(limits: FetchLimits = {}, env: NodeJS.ProcessEnv = process.env): Required<FetchLimits> {
  const fromEnv = (name: string, scale: number, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new LlmError(`${name} must be a positive number (got ${JSON.stringify(raw)}).`);
    return value * scale;
  };
  return {
    maxBytes: limits.maxBytes ?? fromEnv('LLM_FETCH_MAX_BYTES', 1, DEFAULT_MAX_BYTES),
    timeoutMs: limits.timeoutMs ?? fromEnv('LLM_FETCH_TIMEOUT', 1000, DEFAULT_TIMEOUT_MS),
  };
}

/** The whole body of a URL (following up to 5 redirects), within the limits; errors say what failed. */
export async function fetchBytes(url: string, limits?: FetchLimits): Promise<Uint8Array> {
  return (await readUrl(url, limits, undefined)).bytes;
}

/** The body of a URL as text (UTF-8), within the limits. */
export async function fetchText(url: string, limits?: FetchLimits): Promise<string> {
  return new TextDecoder().decode(await fetchBytes(url, limits));
}

/** At most the first `count` bytes of a URL (asked for with a Range header; the rest is not read). */
export async function fetchStart(url: string, count: number, limits?: FetchLimits): Promise<Uint8Array> {
  return (await readUrl(url, limits, count)).bytes;
}

async function readUrl(url: string, given: FetchLimits | undefined, first: number | undefined): Promise<{ bytes: Uint8Array }> {
  const limits = fetchLimits(given);
  const { fetch } = await import('undici');
  const seconds = `${limits.timeoutMs / 1000} s`;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const fail = (why: string) => new LlmError(`Could not fetch ${url}: ${why}.`);
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(url, { redirect: 'follow', signal, headers: first === undefined ? {} : { range: `bytes=0-${first - 1}` } });
  } catch (error) {
    if (signal.aborted) throw fail(`no answer within ${seconds} (set LLM_FETCH_TIMEOUT in seconds to wait longer)`);
    throw fail(causeOf(error));
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw fail(`the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (first === undefined && Number.isFinite(declared) && declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw fail(`it is ${declared} bytes, more than the limit of ${limits.maxBytes} (set LLM_FETCH_MAX_BYTES to allow more)`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      chunks.push(chunk);
      size += chunk.length;
      if (first !== undefined && size >= first) break;
      if (size > limits.maxBytes) throw fail(`it sent more than the limit of ${limits.maxBytes} bytes (set LLM_FETCH_MAX_BYTES to allow more)`);
    }
  } catch (error) {
    if (error instanceof LlmError) throw error;
    if (signal.aborted) throw fail(`the download took longer than ${seconds} (set LLM_FETCH_TIMEOUT in seconds to wait longer)`);
    throw fail(causeOf(error));
  } finally {
    await response.body?.cancel().catch(() => {});
  }
  const bytes = Buffer.concat(chunks);
  return { bytes: first === undefined ? bytes : bytes.subarray(0, first) };
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
