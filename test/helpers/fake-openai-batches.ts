/**
 * OpenAI's Files and Batch APIs for the fake server (test/helpers/fake-openai-server.ts): what
 * `/v1/files` and `/v1/batches` do, kept apart from the HTTP plumbing.
 *
 *   POST /v1/files                multipart (purpose=batch, file): stores the file
 *   GET  /v1/files/:id            the file object;  GET /v1/files/:id/content: its bytes
 *   POST /v1/batches              { input_file_id, endpoint, completion_window: '24h' }
 *   GET  /v1/batches/:id          the batch; each retrieval moves it one status on (the clock)
 *   POST /v1/batches/:id/cancel   cancelling, then cancelled
 *
 * Statuses go validating -> in_progress -> finalizing -> completed, one per retrieval, so a
 * client polling every millisecond finishes in four polls and no test waits. A test can hold the
 * clock (`paused = true`, then `tick()` or `paused = false`), make chosen lines fail
 * (`failLine`), expire or cancel a batch. Validation is OpenAI's: every line JSON with a unique
 * custom_id, method POST, the batch's url, a body (checked against the Chat Completions schema),
 * one model per file, at most 50,000 lines and 200 MB; a file that breaks it fails the batch
 * with `errors` naming the line. Replies come from the server's chat reply logic, so a batched
 * request gets the answer (and usage) the same request would get from /v1/chat/completions.
 */

/** A Chat Completions answer to one batched request: the status and JSON body it would have had. */
export type LineAnswer = { readonly status: number; readonly body: unknown };

/** What the batch store needs from the server: the reply to one chat request, and a schema check. */
export interface BatchHost {
  answer(body: unknown): Promise<LineAnswer>;
  checkChatRequest(body: unknown): string[];
  problem(message: string): void;
}

export interface FakeFile {
  readonly id: string;
  readonly object: 'file';
  readonly bytes: number;
  readonly created_at: number;
  readonly filename: string;
  readonly purpose: string;
  readonly content: string;
}

type Status = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

export interface FakeBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  errors: { object: 'list'; data: { code: string; message: string; param: string | null; line: number | null }[] } | null;
  input_file_id: string;
  completion_window: string;
  status: Status;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

/** The API's limits on one batch's input file. */
export const MAX_LINES = 50_000;
export const MAX_BYTES = 200 * 1024 * 1024;
const ENDPOINTS = new Set(['/v1/chat/completions']);

type Answer = { status: number; body: unknown; text?: string };

/** The files and batches one fake server holds. */
export class FakeBatchStore {
  readonly files = new Map<string, FakeFile>();
  readonly batches = new Map<string, FakeBatch>();
  /** How many batches were created (a resumed experiment must not create one again). */
  created = 0;
  /** Hold every batch where it is: retrievals no longer move it on (see tick()). */
  paused = false;
  /** Makes a line fail: return an error message for it (the line's reply is a 400 with it). */
  failLine: ((customId: string, body: any) => string | undefined) | undefined;
  #counter = 0;

  constructor(private readonly host: BatchHost) {}

  /** The bodies of every line of every batch created, in order. */
  get lineBodies(): any[] {
    return [...this.batches.values()].flatMap((batch) => parseLines(this.files.get(batch.input_file_id)!.content).map((line) => line.body));
  }

  /** Answers a request under /v1/files or /v1/batches; undefined if it is not one. */
  async handle(method: string, path: string, headers: Record<string, string | string[] | undefined>, rawBody: string, body: any): Promise<Answer | undefined> {
    const parts = path.split('?')[0]!.replace(/^\/v1\//, '').split('/');
    if (parts[0] === 'files') {
      if (method === 'POST' && parts.length === 1) return this.upload(String(headers['content-type'] ?? ''), rawBody);
      const file = this.files.get(parts[1] ?? '');
      if (!file) return notFound(`No such File object: ${parts[1]}`);
      if (method === 'GET' && parts.length === 2) return ok(fileObject(file));
      if (method === 'GET' && parts[2] === 'content') return { status: 200, body: undefined, text: file.content };
    }
    if (parts[0] === 'batches') {
      if (method === 'POST' && parts.length === 1) return this.create(body);
      const batch = this.batches.get(parts[1] ?? '');
      if (!batch) return notFound(`No batch found with id '${parts[1]}'.`);
      if (method === 'GET' && parts.length === 2) {
        if (!this.paused) await this.advance(batch);
        return ok(batch);
      }
      if (method === 'POST' && parts[2] === 'cancel') return ok(this.cancel(batch));
    }
    return undefined;
  }

  /** Moves every batch that is not finished one status on (for a paused clock). */
  async tick(): Promise<void> {
    for (const batch of this.batches.values()) await this.advance(batch);
  }

  /** Expires a batch now: its first `answered` lines are answered, the rest fail with batch_expired. */
  async expire(id: string, answered = 0): Promise<void> {
    const batch = this.batches.get(id)!;
    const lines = parseLines(this.files.get(batch.input_file_id)!.content);
    await this.finish(batch, lines.slice(0, answered), lines.slice(answered));
    batch.status = 'expired';
    batch.expired_at = now();
  }

  private async upload(contentType: string, rawBody: string): Promise<Answer> {
    if (!contentType.startsWith('multipart/form-data')) return invalid(`Expected multipart/form-data, got '${contentType}'`);
    let form: FormData;
    try {
      form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: rawBody }).formData();
    } catch (error) {
      return invalid(`The multipart body could not be read: ${(error as Error).message}`);
    }
    const purpose = form.get('purpose');
    const file = form.get('file');
    if (purpose !== 'batch') return invalid(`purpose must be 'batch' here (got ${JSON.stringify(purpose)})`, 'purpose');
    if (!file || typeof file === 'string') return invalid("'file' is a required property", 'file');
    const content = await file.text();
    const stored: FakeFile = { id: this.next('file'), object: 'file', bytes: Buffer.byteLength(content), created_at: now(), filename: file.name, purpose, content };
    this.files.set(stored.id, stored);
    return ok(fileObject(stored));
  }

  private create(body: any): Answer {
    if (typeof body !== 'object' || body === null) return invalid('The body must be a JSON object');
    const file = this.files.get(body.input_file_id);
    if (!file) return invalid(`No such File object: ${body.input_file_id}`, 'input_file_id');
    if (!ENDPOINTS.has(body.endpoint)) return invalid(`Invalid endpoint: ${JSON.stringify(body.endpoint)}`, 'endpoint');
    if (body.completion_window !== '24h') return invalid(`completion_window must be '24h' (got ${JSON.stringify(body.completion_window)})`, 'completion_window');
    this.created++;
    const created = now();
    const batch: FakeBatch = {
      id: this.next('batch'),
      object: 'batch',
      endpoint: body.endpoint,
      errors: null,
      input_file_id: file.id,
      completion_window: '24h',
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      created_at: created,
      in_progress_at: null,
      expires_at: created + 24 * 3600,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: body.metadata ?? null,
    };
    this.batches.set(batch.id, batch);
    return ok(batch);
  }

  private cancel(batch: FakeBatch): FakeBatch {
    if (['validating', 'in_progress', 'finalizing'].includes(batch.status)) {
      batch.status = 'cancelling';
      batch.cancelling_at = now();
    }
    return batch;
  }

  private async advance(batch: FakeBatch): Promise<void> {
    switch (batch.status) {
      case 'validating': {
        const file = this.files.get(batch.input_file_id)!;
        const errors = this.validate(file.content, batch.endpoint);
        if (errors.length > 0) {
          batch.status = 'failed';
          batch.failed_at = now();
          batch.errors = { object: 'list', data: errors };
          return;
        }
        batch.status = 'in_progress';
        batch.in_progress_at = now();
        batch.request_counts = { total: parseLines(file.content).length, completed: 0, failed: 0 };
        return;
      }
      case 'in_progress':
        batch.status = 'finalizing';
        batch.finalizing_at = now();
        return;
      case 'finalizing':
        await this.finish(batch, parseLines(this.files.get(batch.input_file_id)!.content), []);
        batch.status = 'completed';
        batch.completed_at = now();
        return;
      case 'cancelling':
        batch.status = 'cancelled';
        batch.cancelled_at = now();
        return;
      default:
        return;
    }
  }

  /** Answers `answered` lines (into the output and error files) and fails `expired` as batch_expired. */
  private async finish(batch: FakeBatch, answered: ParsedLine[], expired: ParsedLine[]): Promise<void> {
    const output: string[] = [];
    const errors: string[] = [];
    for (const line of answered) {
      const message = this.failLine?.(line.custom_id, line.body);
      const answer = message === undefined ? await this.host.answer(line.body) : { status: 400, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } };
      const row = JSON.stringify({ id: this.next('batch_req'), custom_id: line.custom_id, response: { status_code: answer.status, request_id: this.next('req'), body: answer.body }, error: null });
      (answer.status === 200 ? output : errors).push(row);
    }
    for (const line of expired) {
      errors.push(JSON.stringify({ id: this.next('batch_req'), custom_id: line.custom_id, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }));
    }
    const total = answered.length + expired.length;
    batch.request_counts = { total, completed: output.length, failed: errors.length };
    if (output.length > 0) batch.output_file_id = this.store(`${batch.id}_output.jsonl`, output);
    if (errors.length > 0) batch.error_file_id = this.store(`${batch.id}_error.jsonl`, errors);
  }

  private store(filename: string, lines: string[]): string {
    const content = `${lines.join('\n')}\n`;
    const file: FakeFile = { id: this.next('file'), object: 'file', bytes: Buffer.byteLength(content), created_at: now(), filename, purpose: 'batch_output', content };
    this.files.set(file.id, file);
    return file.id;
  }

  /** What OpenAI's validation would say about an input file, line by line. */
  private validate(content: string, endpoint: string): { code: string; message: string; param: string | null; line: number | null }[] {
    const errors: { code: string; message: string; param: string | null; line: number | null }[] = [];
    if (Buffer.byteLength(content) > MAX_BYTES) errors.push({ code: 'too_large', message: `The file is larger than ${MAX_BYTES} bytes.`, param: null, line: null });
    const lines = content.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) errors.push({ code: 'empty_file', message: 'The file has no requests.', param: null, line: null });
    if (lines.length > MAX_LINES) errors.push({ code: 'too_many_requests', message: `The file has ${lines.length} requests; at most ${MAX_LINES}.`, param: null, line: null });
    const ids = new Set<string>();
    const models = new Set<string>();
    lines.forEach((text, index) => {
      const line = index + 1;
      const fail = (code: string, message: string, param: string | null = null) => errors.push({ code, message, param, line });
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        return fail('invalid_json_line', 'This line is not valid JSON.');
      }
      if (typeof parsed?.custom_id !== 'string' || parsed.custom_id === '') return fail('missing_required_parameter', 'custom_id is required.', 'custom_id');
      if (ids.has(parsed.custom_id)) fail('duplicate_custom_id', `The custom_id '${parsed.custom_id}' is used on more than one line.`, 'custom_id');
      ids.add(parsed.custom_id);
      if (parsed.method !== 'POST') fail('invalid_method', 'method must be POST.', 'method');
      if (parsed.url !== endpoint) fail('invalid_url', `url must be the batch's endpoint ${endpoint} (got ${JSON.stringify(parsed.url)}).`, 'url');
      if (typeof parsed.body !== 'object' || parsed.body === null) return fail('missing_required_parameter', 'body is required.', 'body');
      if (typeof parsed.body.model === 'string') models.add(parsed.body.model);
      if (parsed.body.stream) fail('invalid_request', 'stream is not supported in a batch.', 'body.stream');
      const problems = this.host.checkChatRequest(parsed.body);
      if (problems.length > 0) {
        this.host.problem(`batch line ${line} (${parsed.custom_id}): ${problems.join('; ')}`);
        fail('invalid_request', problems.join('; '), 'body');
      }
    });
    if (models.size > 1) errors.push({ code: 'mismatched_model', message: `The file names more than one model (${[...models].join(', ')}); a batch takes one.`, param: 'body.model', line: null });
    return errors;
  }

  private next(prefix: string): string {
    return `${prefix}_${String(++this.#counter).padStart(6, '0')}`;
  }
}

interface ParsedLine {
  readonly custom_id: string;
  readonly body: any;
}

function parseLines(content: string): ParsedLine[] {
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ParsedLine);
}

function fileObject(file: FakeFile): Omit<FakeFile, 'content'> {
  const { content: _content, ...rest } = file;
  return { ...rest, status: 'processed' } as Omit<FakeFile, 'content'>;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function invalid(message: string, param: string | null = null): Answer {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code: null } } };
}

function notFound(message: string): Answer {
  return { status: 404, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } };
}
