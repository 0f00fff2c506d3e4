import { createHash, randomBytes } from 'node:crypto';
import type { BatchApi, BatchState } from 'llm-host';
import { displayUrl, OpenAIApiError, type Target } from './api-error.js';
import { batchPrice } from './batch-prices.js';
import { parseJson } from './chat-request.js';
import { send, withRetries } from './http.js';
import type { HttpSettings } from './http-settings.js';

/** The Batch API's limits on one input file: 50,000 requests, 200 MB. */
export const BATCH_LIMITS = { requests: 50_000, bytes: 200 * 1024 * 1024 } as const;

/** What the client needs to reach one account's API. */
export interface BatchAccount {
  readonly baseUrl: string;
  readonly key: string | undefined;
  readonly keyFix: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly userAgent: string;
  readonly settings: HttpSettings;
}

/**
 * OpenAI's Files and Batch APIs for one account: `POST /files` (multipart, purpose batch),
 * `POST /batches`, `GET /batches/ID`, `GET /files/ID/content`, `POST /batches/ID/cancel`. Reads
 * are retried like chat requests; creating a batch is not (a retry could create two).
 */
export class OpenAIBatchApi implements BatchApi {
  readonly account: string;
  readonly where: string;
  readonly limits = BATCH_LIMITS;
  // Private, so that the key never shows when the object is serialized.
  readonly #account: BatchAccount;

  constructor(account: BatchAccount) {
    this.#account = account;
    const keyHash = account.key ? createHash('sha256').update(account.key).digest('hex').slice(0, 16) : '';
    this.account = `${account.baseUrl}\n${keyHash}`;
    this.where = displayUrl(account.baseUrl);
  }

  price(model: string): { input: number; output: number } | undefined {
    return batchPrice(model);
  }

  async uploadFile(filename: string, jsonl: string, signal: AbortSignal): Promise<string> {
    const boundary = `llm-${randomBytes(12).toString('hex')}`;
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename.replace(/["\r\n]/g, '_')}"\r\nContent-Type: application/jsonl\r\n\r\n` +
      `${jsonl}\r\n--${boundary}--\r\n`;
    const file = (await this.call('POST', '/files', signal, body, `multipart/form-data; boundary=${boundary}`, true)) as { id?: unknown };
    if (typeof file.id !== 'string') throw this.unexpected('/files', 'a file without an id');
    return file.id;
  }

  async createBatch(inputFileId: string, endpoint: string, signal: AbortSignal): Promise<BatchState> {
    const body = JSON.stringify({ input_file_id: inputFileId, endpoint, completion_window: '24h' });
    return this.state(await this.call('POST', '/batches', signal, body, 'application/json', false), '/batches');
  }

  async retrieveBatch(id: string, signal: AbortSignal): Promise<BatchState> {
    return this.state(await this.call('GET', `/batches/${encodeURIComponent(id)}`, signal), '/batches');
  }

  async cancelBatch(id: string, signal: AbortSignal): Promise<BatchState> {
    return this.state(await this.call('POST', `/batches/${encodeURIComponent(id)}/cancel`, signal, undefined, undefined, false), '/batches');
  }

  async fileContent(fileId: string, signal: AbortSignal): Promise<string> {
    return (await this.call('GET', `/files/${encodeURIComponent(fileId)}/content`, signal, undefined, undefined, true, false)) as string;
  }

  /** One request; the reply's JSON (or text). */
  private async call(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: string, contentType?: string, retry = true, json = true): Promise<unknown> {
    const account = this.#account;
    const target: Target = {
      url: `${account.baseUrl}${path}`,
      key: account.key,
      keyFix: account.keyFix,
      notFoundFix: `Does ${this.where} offer OpenAI's Batch API? Compatible servers often do not: run without --batch.`,
      timeoutMs: account.settings.timeoutMs,
      connectTimeoutMs: account.settings.connectTimeoutMs,
    };
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': account.userAgent,
      ...(contentType ? { 'content-type': contentType } : {}),
      ...(account.key ? { authorization: `Bearer ${account.key}` } : {}),
      ...account.headers,
    };
    const settings = retry ? account.settings : { ...account.settings, maxAttempts: 1 };
    for await (const text of withRetries(target, settings, signal, async function* () {
      const answer = await send(target, { method, headers, body }, settings, signal);
      yield await answer.text();
    })) {
      return json ? parseJson(text, target, 'Batch') : text;
    }
    throw this.unexpected(path, 'no reply');
  }

  private state(json: unknown, path: string): BatchState {
    const batch = json as {
      id?: unknown;
      status?: unknown;
      input_file_id?: string;
      output_file_id?: string | null;
      error_file_id?: string | null;
      request_counts?: { total?: number; completed?: number; failed?: number } | null;
      errors?: { data?: { message?: string; line?: number | null }[] } | null;
    };
    if (typeof batch?.id !== 'string' || typeof batch.status !== 'string') throw this.unexpected(path, 'a batch without an id or status');
    const errors = (batch.errors?.data ?? []).map((e) => (e.line ? `line ${e.line}: ${e.message ?? 'invalid'}` : (e.message ?? 'invalid')));
    return {
      id: batch.id,
      status: batch.status,
      inputFileId: batch.input_file_id ?? '',
      outputFileId: batch.output_file_id ?? undefined,
      errorFileId: batch.error_file_id ?? undefined,
      counts: { total: batch.request_counts?.total ?? 0, completed: batch.request_counts?.completed ?? 0, failed: batch.request_counts?.failed ?? 0 },
      ...(errors.length > 0 ? { errors } : {}),
    };
  }

  private unexpected(path: string, what: string): OpenAIApiError {
    return new OpenAIApiError(`${this.where}${path} sent ${what}`, 'Is it an OpenAI-compatible Batch API?');
  }
}

const apis = new Map<string, OpenAIBatchApi>();

/** One client per account for the life of the process, so that one account's requests share batches. */
export function batchApiFor(account: BatchAccount): OpenAIBatchApi {
  const fresh = new OpenAIBatchApi(account);
  const known = apis.get(fresh.account);
  if (known) return known;
  apis.set(fresh.account, fresh);
  return fresh;
}
