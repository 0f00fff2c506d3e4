/**
 * A fake OpenAI-compatible API for tests and benchmarks: real HTTP (node:http) on 127.0.0.1, on a
 * port the system picks. It answers Chat Completions (JSON or SSE streams), `/models`, and the
 * failures a client must survive, and it keeps the client honest: every chat request body is
 * checked against OpenAI's published schema (test/fixtures/openai/chat-completions.schema.json),
 * and so is every response, chunk and error it sends itself.
 *
 *   const server = await FakeOpenAIServer.start();
 *   env.OPENAI_BASE_URL = server.baseUrl;            // http://127.0.0.1:PORT/v1
 *   server.reply(textReply('Hello there'));          // queued replies are used first, in order,
 *   server.reply(errorReply(429, 'Slow down', { retryAfter: 1 }));
 *   server.handle((request) => textReply('...'));    // then the handler (default: "You said: ...")
 *   server.requests;                                 // every request: method, path, headers, body
 *   expect(server.problems).toEqual([]);             // schema violations, in either direction
 *   await server.close();
 *
 * A `text` reply follows the request: an SSE stream if it asked for `stream: true` (with a usage
 * chunk when it asked for `stream_options.include_usage`), else a `chat.completion` JSON object.
 * Streams are written in small odd-sized slices by default, so events, lines and multi-byte UTF-8
 * characters straddle network reads. Stream options: `delayMs` between events (a slow stream),
 * `keepAlive` comments, `cutAfter` N events (the connection is destroyed: a cut stream),
 * `lineEnding: '\r\n'`. `hangUp()` destroys the connection before answering (a reset).
 *
 * `/v1/files` and `/v1/batches` behave like OpenAI's Batch API, with a clock the test controls
 * (`server.batches`: see fake-openai-batches.ts); batched requests get the chat replies above.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { FakeBatchStore, type LineAnswer } from './fake-openai-batches.js';
import { ODD_SLICES, writeInSlices } from './sliced-writes.js';

/** A request the server received. */
export interface FakeRequest {
  readonly method: string;
  /** Path with query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON (undefined if empty or not JSON). */
  readonly body: any;
  readonly rawBody: string;
  /** When the request arrived and when each stream event was written (performance.now()). */
  readonly timeline: { readonly receivedAt: number; readonly events: number[]; endedAt?: number };
}

/** How a stream is written. */
export interface StreamShape {
  /** Milliseconds to wait after each event: a slow stream. */
  readonly delayMs?: number;
  /** Destroy the connection after this many events, without [DONE]: a cut stream. */
  readonly cutAfter?: number;
  /** Send a `: keep-alive` comment before every event. */
  readonly keepAlive?: boolean;
  /** Byte sizes of the writes, cycled (default ODD_SLICES); false: one write per event. */
  readonly slices?: readonly number[] | false;
  readonly lineEnding?: '\n' | '\r\n';
  /** Send `data: [DONE]` at the end (default true). */
  readonly done?: boolean;
}

/** A completion whose text is streamed or sent whole, as the request asked. */
export interface TextReply extends StreamShape {
  readonly kind: 'text';
  /** The reply, sent as these pieces (a string is split after each word). */
  readonly text: string | readonly string[];
  /** The `model` the answer names (default: the request's). */
  readonly model?: string;
  /** Token counts (default: words in the messages, pieces of the reply). */
  readonly usage?: Record<string, unknown>;
  readonly finishReason?: 'stop' | 'length' | 'content_filter';
}

/** Any JSON answer. */
export interface JsonReply {
  readonly kind: 'json';
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An SSE stream of these events: objects are sent as JSON `data:`, strings as raw SSE text. */
export interface StreamReply extends StreamShape {
  readonly kind: 'stream';
  readonly events: readonly (object | string)[];
  readonly status?: number;
}

/** An OpenAI-style error answer. */
export interface ErrorReply {
  readonly kind: 'error';
  readonly status: number;
  readonly message: string;
  readonly type?: string;
  readonly code?: string | null;
  readonly param?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The connection is destroyed before any answer: a reset. */
export interface HangUpReply {
  readonly kind: 'hangup';
}

export type FakeReply = TextReply | JsonReply | StreamReply | ErrorReply | HangUpReply;
export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export { ODD_SLICES } from './sliced-writes.js';

/** A reply whose text streams when the request asks for a stream. */
export function textReply(text: string | readonly string[], extra: Omit<TextReply, 'kind' | 'text'> = {}): TextReply {
  return { kind: 'text', text, ...extra };
}

/** An OpenAI error body with this status; `retryAfter` (seconds) sets the Retry-After header. */
export function errorReply(status: number, message: string, extra: Omit<ErrorReply, 'kind' | 'status' | 'message'> & { retryAfter?: number } = {}): ErrorReply {
  const { retryAfter, headers, ...rest } = extra;
  const type = status === 401 ? 'invalid_request_error' : status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return {
    kind: 'error',
    status,
    message,
    type,
    headers: { ...headers, ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) },
    ...rest,
  };
}

/** Destroy the connection without answering. */
export function hangUp(): HangUpReply {
  return { kind: 'hangup' };
}

/** A chat.completion.chunk carrying `content` (or, with `extra`, anything else). */
export function chunk(content: string | undefined, extra: { model?: string; finishReason?: string | null; usage?: object; choices?: object[] } = {}): object {
  const choices = extra.choices ?? [
    { index: 0, delta: content === undefined ? {} : { content }, logprobs: null, finish_reason: extra.finishReason ?? null },
  ];
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: extra.model ?? 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_fake',
    choices,
    ...(extra.usage ? { usage: extra.usage } : {}),
  };
}

/** A whole chat.completion object. */
export function completion(content: string | null, extra: { model?: string; usage?: object; refusal?: string } = {}): object {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: extra.model ?? 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: extra.refusal ?? null }, logprobs: null, finish_reason: 'stop' }],
    usage: extra.usage ?? { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/** The models `/models` lists unless told otherwise. */
export const DEFAULT_MODEL_LIST = [
  { id: 'gpt-4o-mini', object: 'model', created: 1_721_172_741, owned_by: 'system' },
  { id: 'gpt-4o', object: 'model', created: 1_715_367_049, owned_by: 'system' },
  { id: 'o3', object: 'model', created: 1_744_225_308, owned_by: 'system' },
];

/** The fake server. Start one per test file (or test) with `FakeOpenAIServer.start()`. */
export class FakeOpenAIServer {
  /** Every request, in order of arrival. */
  readonly requests: FakeRequest[] = [];
  /** What broke OpenAI's schema: request bodies from the client, and this server's own replies. */
  readonly problems: string[] = [];
  /** What `/models` lists. */
  models: object[] = [...DEFAULT_MODEL_LIST];
  /**
   * The Files and Batch APIs (`/v1/files`, `/v1/batches`): their files, batches and clock (see
   * fake-openai-batches.ts). Batched requests are answered like chat requests: queue, then handler.
   */
  readonly batches: FakeBatchStore = new FakeBatchStore({
    answer: (body) => this.answerLine(body),
    checkChatRequest: (body) => (this.validate ? validator().check('CreateChatCompletionRequest', body) : []),
    problem: (message) => this.problems.push(message),
  });
  private readonly queue: FakeReply[] = [];
  private handler: FakeHandler = (request) => textReply(`You said: ${lastUserMessage(request)}`);
  private embeddingHandler: FakeHandler = (request) => embeddingsReply(request);

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
    private readonly validate: boolean,
    private readonly record: boolean,
  ) {}

  /**
   * Starts a server on 127.0.0.1 and a free port. For benchmarks: `validate: false` skips the
   * schema checks, `record: false` keeps only the last request (so memory stays flat).
   */
  static async start(options: { validate?: boolean; record?: boolean } = {}): Promise<FakeOpenAIServer> {
    const server = createServer();
    server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeOpenAIServer(server, `http://127.0.0.1:${port}`, options.validate ?? true, options.record ?? true);
    server.on('request', (req, res) => void fake.serve(req, res));
    return fake;
  }

  /** The base URL clients use: `http://127.0.0.1:PORT/v1`. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Queues replies, used in order before the handler. */
  reply(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Answers every request that finds the queue empty. */
  handle(handler: FakeHandler): this {
    this.handler = handler;
    return this;
  }

  /** Answers every `/embeddings` request that finds the queue empty (default: embeddingsReply). */
  handleEmbeddings(handler: FakeHandler): this {
    this.embeddingHandler = handler;
    return this;
  }

  /** The embeddings requests' bodies, in order. */
  get embeddingBodies(): any[] {
    return this.requests.filter((r) => r.path.endsWith('/embeddings')).map((r) => r.body);
  }

  /** The chat requests' bodies, in order. */
  get chatBodies(): any[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body);
  }

  /** Stops the server and drops open (keep-alive) connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const piece of req) chunks.push(piece as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const request: FakeRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, rawBody, timeline: { receivedAt, events: [] } };
    if (!this.record) this.requests.length = 0;
    this.requests.push(request);
    try {
      const batchAnswer = await this.batches.handle(request.method, request.path, req.headers, rawBody, body);
      if (batchAnswer) {
        const text = batchAnswer.text ?? JSON.stringify(batchAnswer.body);
        res.writeHead(batchAnswer.status, { 'content-type': batchAnswer.text === undefined ? 'application/json' : 'application/octet-stream' }).end(text);
        return;
      }
      const invalid = this.checkRequest(request);
      const reply = invalid ?? this.queue.shift() ?? (await this.defaultReply(request));
      await this.send(request, reply, res);
    } catch (error) {
      this.problems.push(`fake server failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  }

  /** The reply a batched chat request gets: what /v1/chat/completions would answer, as status and JSON. */
  private async answerLine(body: unknown): Promise<LineAnswer> {
    const request: FakeRequest = { method: 'POST', path: '/v1/chat/completions', headers: {}, body, rawBody: JSON.stringify(body), timeline: { receivedAt: performance.now(), events: [] } };
    const reply = this.queue.shift() ?? (await this.handler(request));
    switch (reply.kind) {
      case 'text': {
        const completionBody = textCompletion(request, reply);
        this.checkReply('completion', 'CreateChatCompletionResponse', completionBody);
        return { status: 200, body: completionBody };
      }
      case 'json':
        return { status: reply.status ?? 200, body: reply.body };
      case 'error':
        return { status: reply.status, body: { error: { message: reply.message, type: reply.type ?? 'invalid_request_error', param: reply.param ?? null, code: reply.code ?? null } } };
      default:
        return { status: 500, body: { error: { message: `a batched request cannot get a '${reply.kind}' reply`, type: 'server_error', param: null, code: null } } };
    }
  }

  private defaultReply(request: FakeRequest): FakeReply | Promise<FakeReply> {
    const path = request.path.split('?')[0]!;
    if (request.method === 'GET' && path.endsWith('/models')) return { kind: 'json', body: { object: 'list', data: this.models } };
    if (request.method === 'POST' && path.endsWith('/chat/completions')) return this.handler(request);
    if (request.method === 'POST' && path.endsWith('/embeddings')) return this.embeddingHandler(request);
    return errorReply(404, `Unknown request: ${request.method} ${path}`, { code: 'unknown_url' });
  }

  /** A 400 for a chat or embeddings request that breaks the schema (recorded as a problem), else undefined. */
  private checkRequest(request: FakeRequest): ErrorReply | undefined {
    if (this.validate && request.method === 'POST' && request.path.endsWith('/embeddings')) {
      const errors = checkEmbeddingsRequest(request.body);
      if (errors.length === 0) return undefined;
      this.problems.push(`request ${this.requests.length}: ${errors.join('; ')}`);
      return errorReply(400, `Invalid request: ${errors.join('; ')}`);
    }
    if (!this.validate || request.method !== 'POST' || !request.path.endsWith('/chat/completions')) return undefined;
    const errors: string[] = [];
    if (!String(request.headers['content-type']).startsWith('application/json')) errors.push(`content-type is ${request.headers['content-type']}`);
    if (request.body === undefined) errors.push('the body is not JSON');
    else errors.push(...validator().check('CreateChatCompletionRequest', request.body));
    if (errors.length === 0) return undefined;
    this.problems.push(`request ${this.requests.length}: ${errors.join('; ')}`);
    return errorReply(400, `Invalid request: ${errors.join('; ')}`);
  }

  private checkReply(what: string, definition: string, data: unknown): void {
    if (!this.validate) return;
    const errors = validator().check(definition, data);
    if (errors.length > 0) this.problems.push(`fake server sent an invalid ${what}: ${errors.join('; ')}`);
  }

  private async send(request: FakeRequest, reply: FakeReply, res: ServerResponse): Promise<void> {
    switch (reply.kind) {
      case 'hangup':
        res.socket?.destroy();
        return;
      case 'error': {
        const body = { error: { message: reply.message, type: reply.type ?? 'invalid_request_error', param: reply.param ?? null, code: reply.code ?? null } };
        this.checkReply('error', 'ErrorResponse', body);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(body));
        return;
      }
      case 'json': {
        const status = reply.status ?? 200;
        if (status === 200 && request.path.endsWith('/models')) this.checkReply('model list', 'ListModelsResponse', reply.body);
        else if (status === 200 && !request.path.endsWith('/embeddings')) this.checkReply('completion', 'CreateChatCompletionResponse', reply.body);
        res.writeHead(status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body));
        return;
      }
      case 'stream':
        return this.stream(request, res, reply.events, reply, reply.status ?? 200);
      case 'text': {
        if (!request.body?.stream) return this.send(request, { kind: 'json', body: textCompletion(request, reply) }, res);
        const pieces = replyPieces(reply);
        const model = reply.model ?? request.body?.model ?? 'gpt-4o-mini';
        const usage = reply.usage ?? defaultUsage(request, pieces);
        const events: object[] = [
          chunk(undefined, { model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }),
          ...pieces.map((piece) => chunk(piece, { model })),
          chunk(undefined, { model, finishReason: reply.finishReason ?? 'stop' }),
        ];
        if (request.body?.stream_options?.include_usage) events.push(chunk(undefined, { model, choices: [], usage }));
        return this.stream(request, res, events, reply, 200);
      }
    }
  }

  private async stream(request: FakeRequest, res: ServerResponse, events: readonly (object | string)[], shape: StreamShape, status: number): Promise<void> {
    const eol = shape.lineEnding ?? '\n';
    const slices = shape.slices === undefined ? ODD_SLICES : shape.slices;
    res.writeHead(status, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const write = async (text: string) => {
      if (res.destroyed) return;
      if (!slices) {
        res.write(text);
        return;
      }
      await writeInSlices(res, text, slices);
    };
    for (const [index, event] of events.entries()) {
      if (res.destroyed) return; // the client hung up
      if (shape.cutAfter !== undefined && index >= shape.cutAfter) {
        res.socket?.destroy();
        return;
      }
      if (shape.keepAlive) await write(`: keep-alive${eol}${eol}`);
      if (typeof event === 'string') {
        await write(event);
      } else {
        this.checkReply('stream chunk', 'CreateChatCompletionStreamResponse', event);
        await write(`data: ${JSON.stringify(event)}${eol}${eol}`);
      }
      request.timeline.events.push(performance.now());
      if (shape.delayMs) await sleep(shape.delayMs);
    }
    if (shape.cutAfter !== undefined && shape.cutAfter >= events.length) {
      res.socket?.destroy();
      return;
    }
    if (shape.done ?? true) await write(`data: [DONE]${eol}${eol}`);
    request.timeline.endedAt = performance.now();
    res.end();
  }
}

/** A text reply's pieces (a string is split after each word). */
function replyPieces(reply: TextReply): string[] {
  return typeof reply.text === 'string' ? (reply.text.match(/\s*\S+\s*/g) ?? [reply.text]) : [...reply.text];
}

/** A text reply as a whole chat.completion object, with its usage. */
function textCompletion(request: FakeRequest, reply: TextReply): object {
  const pieces = replyPieces(reply);
  const body = completion(pieces.join(''), { model: reply.model ?? request.body?.model ?? 'gpt-4o-mini', usage: reply.usage ?? defaultUsage(request, pieces) });
  if (reply.finishReason) (body as { choices: { finish_reason: string }[] }).choices[0]!.finish_reason = reply.finishReason;
  return body;
}

/**
 * The vector the fake server gives a text: `dimensions` (default 8) float32 values from a hash of
 * the text, so the same text always gets the same vector and every value is exactly a float32
 * (what the client stores must read back bit-exact).
 */
export function fakeVector(text: string, dimensions = 8): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619) >>> 0;
  const vector: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    seed = Math.imul(seed ^ (seed >>> 15), 2246822507) >>> 0;
    seed = Math.imul(seed ^ (seed >>> 13), 3266489909) >>> 0;
    vector.push(Math.fround(((seed >>> 0) / 0xffffffff) * 2 - 1));
  }
  return vector;
}

/** An OpenAI `/embeddings` answer for the request: one fakeVector per input, of its `dimensions`. */
export function embeddingsReply(request: FakeRequest): JsonReply {
  const body = request.body ?? {};
  const inputs: string[] = typeof body.input === 'string' ? [body.input] : body.input;
  const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text, body.dimensions ?? 8) }));
  const tokens = inputs.reduce((sum, text) => sum + (text.match(/\S+/g)?.length ?? 0), 0);
  return { kind: 'json', body: { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

/** What is wrong with an `/embeddings` request body, by OpenAI's API reference (CreateEmbeddingRequest). */
function checkEmbeddingsRequest(body: any): string[] {
  const errors: string[] = [];
  if (typeof body !== 'object' || body === null) return ['the body is not a JSON object'];
  const known = new Set(['input', 'model', 'dimensions', 'encoding_format', 'user']);
  for (const key of Object.keys(body)) if (!known.has(key)) errors.push(`unknown request field '${key}'`);
  if (typeof body.model !== 'string') errors.push('/model must be a string');
  const input = body.input;
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 2048 || !inputs.every((x) => typeof x === 'string' && x !== '')) {
    errors.push('/input must be a non-empty string or an array of 1-2048 non-empty strings');
  }
  if (body.dimensions !== undefined && !(Number.isInteger(body.dimensions) && body.dimensions >= 1)) errors.push('/dimensions must be an integer of at least 1');
  if (body.encoding_format !== undefined && !['float', 'base64'].includes(body.encoding_format)) errors.push("/encoding_format must be 'float' or 'base64'");
  return errors;
}

/** The text of the request's last user message. */
export function lastUserMessage(request: FakeRequest): string {
  const messages = (request.body?.messages ?? []) as { role: string; content: unknown }[];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

function defaultUsage(request: FakeRequest, pieces: readonly string[]): Record<string, number> {
  const messages = (request.body?.messages ?? []) as { content: unknown }[];
  const words = messages.reduce((sum, m) => sum + (typeof m.content === 'string' ? (m.content.match(/\S+/g)?.length ?? 0) : 0), 0);
  return { prompt_tokens: words, completion_tokens: pieces.length, total_tokens: words + pieces.length };
}

// -- OpenAI's schema, compiled once per process ----------------------------------------------------

type Ajv2020 = typeof import('ajv/dist/2020.js').default;

const SCHEMA_PATH = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'openai', 'chat-completions.schema.json');

let compiled: { check(definition: string, data: unknown): string[] } | undefined;

/** Validators for the schema's definitions (`CreateChatCompletionRequest`, ...), built on first use. */
export function validator(): { check(definition: string, data: unknown): string[] } {
  if (compiled) return compiled;
  const Ajv = ((Ajv2020Module as unknown as { default?: Ajv2020 }).default ?? Ajv2020Module) as Ajv2020;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const document = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: Record<string, unknown> };
  ajv.addSchema(document, 'openai');
  // The published request schema allows any extra field; a misspelt option should not pass.
  const requestFields = new Set(collectProperties(document.$defs, 'CreateChatCompletionRequest'));
  compiled = {
    check(definition, data) {
      const validate = ajv.getSchema(`openai#/$defs/${definition}`);
      if (!validate) throw new Error(`no definition ${definition} in ${SCHEMA_PATH}`);
      const errors = validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
      if (definition === 'CreateChatCompletionRequest' && data && typeof data === 'object') {
        for (const key of Object.keys(data)) if (!requestFields.has(key)) errors.push(`unknown request field '${key}'`);
      }
      return [...new Set(errors)];
    },
  };
  return compiled;
}

/** Property names of a definition, following allOf and $ref. */
function collectProperties(defs: Record<string, unknown>, name: string): string[] {
  const schema = defs[name] as { properties?: object; allOf?: { $ref?: string; properties?: object }[] };
  const names = Object.keys(schema.properties ?? {});
  for (const part of schema.allOf ?? []) {
    if (part.$ref) names.push(...collectProperties(defs, part.$ref.replace('#/$defs/', '')));
    names.push(...Object.keys(part.properties ?? {}));
  }
  return names;
}
