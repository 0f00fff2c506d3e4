import { sharedStorage } from '../util/shared-storage.js';

/** A batch as its API reports it. */
export interface BatchState {
  readonly id: string;
  /** `validating`, `in_progress`, `finalizing`, `completed`, `failed`, `expired`, `cancelling`, `cancelled`. */
  readonly status: string;
  readonly inputFileId: string;
  readonly outputFileId?: string | undefined;
  readonly errorFileId?: string | undefined;
  readonly counts: { readonly total: number; readonly completed: number; readonly failed: number };
  /** Why the batch failed (validation), one message per problem. */
  readonly errors?: readonly string[] | undefined;
}

/** The statuses after which a batch changes no more. */
export const TERMINAL_BATCH_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'expired', 'cancelled']);

/**
 * A provider's batch API for one account (base URL and key), as a model plugin offers it: upload
 * a JSONL file of requests, create a batch from it, poll it, read its output. OpenAI's Batch API
 * is one (the openai plugin's).
 */
export interface BatchApi {
  /** Tells accounts apart in memory (requests of one account go in one batch). Never shown or logged. */
  readonly account: string;
  /** Where the API is, for the log and messages (a base URL, no credentials). */
  readonly where: string;
  /** The most requests, and bytes, one input file may hold. */
  readonly limits: { readonly requests: number; readonly bytes: number };
  /** Dollars per million input and output tokens at the batch price, if known. */
  price(model: string): { readonly input: number; readonly output: number } | undefined;
  uploadFile(filename: string, jsonl: string, signal: AbortSignal): Promise<string>;
  createBatch(inputFileId: string, endpoint: string, signal: AbortSignal): Promise<BatchState>;
  retrieveBatch(id: string, signal: AbortSignal): Promise<BatchState>;
  fileContent(fileId: string, signal: AbortSignal): Promise<string>;
  cancelBatch(id: string, signal: AbortSignal): Promise<BatchState>;
}

/** A request a model would have sent, handed to a batch instead. */
export interface BatchableRequest {
  readonly api: BatchApi;
  /** The API path each line names, e.g. `/v1/chat/completions`. */
  readonly endpoint: string;
  /** The model the body names (a batch holds one model's requests). */
  readonly model: string;
  /** The request body, as it would have been sent (never streamed). */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * Takes requests into batches (`llm experiments run --batch`): `submit` resolves with the reply's
 * JSON body once the batch that carried it is done, or rejects with that line's error.
 */
export interface RequestBatcher {
  submit(request: BatchableRequest, signal: AbortSignal): Promise<unknown>;
}

const storage = sharedStorage<RequestBatcher>('llm-host.requestBatcher');

/** The batcher the requests made here go to (the innermost `withRequestBatcher`), if any. */
export function currentRequestBatcher(): RequestBatcher | undefined {
  return storage().getStore();
}

/** Runs `work` so that the requests made in it (however deep) by models that can batch go to `batcher`. */
export function withRequestBatcher<T>(batcher: RequestBatcher, work: () => T): T {
  return storage().run(batcher, work);
}
