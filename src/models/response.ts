import { LlmError, MissingKeyError, messageOf } from '../errors.js';
import type { LogContext } from '../hooks.js';
import { compileSchema, describeSchemaError, parseJsonReply } from '../json-schema.js';
import { cleanKey } from '../util/clean-key.js';
import { ChangeSignal } from '../util/change-signal.js';
import { monotonicMs, newId, utcNow } from '../util/ids.js';
import type { Attachment } from './attachment.js';
import type { Conversation } from './conversation.js';
import type { Model } from './model.js';
import { modelHostOf } from './model-host.js';
import { currentConversationOrigin, type ConversationOrigin } from './origin.js';
import { currentResponseCache, requestHash, type CachedResponse, type CachedResponseRequest, type ResponseCacheSettings } from './response-cache.js';
import { validateOptions } from './options.js';
import type { Prompt } from './prompt.js';
import type { ToolCall } from './tool.js';

/** Token counts a model reported. */
export interface Usage {
  readonly input?: number | undefined;
  readonly output?: number | undefined;
  /** Model-specific detail, e.g. cached or reasoning tokens. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** How a response runs, besides the prompt itself. */
export interface ResponseInit {
  /** Stream the reply (default: when the model can). */
  readonly stream?: boolean | undefined;
  /** API key, or the name of a stored key; overrides keys.json and the environment. */
  readonly key?: string | undefined;
  /** Aborts the request. */
  readonly signal?: AbortSignal | undefined;
  /** The conversation this prompt continues. */
  readonly conversation?: Conversation | undefined;
  /** `false` skips the logResponse hook; an object says how to log (`--log`, `-d`). */
  readonly log?: boolean | Partial<LogContext> | undefined;
  /**
   * Answer from the log when it has a response to the same request (`--cache`): `true`, or with
   * `ttlMs` (only answers logged that recently). The answer's row is reused, not copied.
   * Default: as the enclosing `withResponseCache` says (an experiment run with `cache`), else off.
   */
  readonly cache?: boolean | { readonly ttlMs?: number | undefined } | undefined;
}

/** A finished turn restored from a log, for continuing a conversation. */
export interface RestoredResponse {
  readonly id: string;
  readonly prompt: Prompt;
  readonly text: string;
  readonly datetimeUtc?: string | undefined;
  readonly durationMs?: number | undefined;
  readonly usage?: Usage | undefined;
  readonly conversation?: Conversation | undefined;
  /** The tools the reply asked for. */
  readonly toolCalls?: readonly ToolCall[] | undefined;
}

/** pending -> running -> complete (the whole text is there) -> done (logged), or failed. */
type State = 'pending' | 'running' | 'complete' | 'done' | 'failed';

/**
 * The reply to one prompt. Lazy: the model runs when the response is first read, by iterating it
 * (`for await (const chunk of response)`) or awaiting `text()`, `json()` or `usage()`. Reading it
 * again replays the same text. Once the text is complete the host's `logResponse` hook runs;
 * `done()` waits for that too.
 */
export class Response implements AsyncIterable<string> {
  /** Lowercase ULID. */
  readonly id: string = newId();
  /** The model that produces the reply. */
  readonly model: Model;
  /** The conversation this response belongs to, if any. */
  readonly conversation: Conversation | undefined;
  /** Whether the reply is streamed. */
  readonly stream: boolean;
  /** When the model started, in UTC (ISO 8601, as the Python llm writes it). */
  datetimeUtc: string | undefined;
  /** How long the model took, in milliseconds. */
  durationMs: number | undefined;
  /** Raw data from the model's API, for the log. Must never hold a key. */
  responseJson: unknown = undefined;
  /** The exact model the API says answered, if it differs from the model id. */
  resolvedModel: string | undefined;
  /** Why the response failed, once it has. */
  error: unknown = undefined;
  /** Where it came from (a person's prompt, an experiment...), captured when it was made; see `withConversationOrigin`. */
  readonly origin: ConversationOrigin = currentConversationOrigin();
  /** The hash of the request (see `requestHash`), once the response has started; the log keeps it. */
  requestHash: string | undefined;
  /** Answered from the log (`cache`): `id` is the logged response's, whose row is reused. */
  cached = false;
  /** How the response uses the cache, captured when it was made. */
  readonly #cache: ResponseCacheSettings | undefined;

  private readonly chunks: string[] = [];
  private readonly calls: ToolCall[] = [];
  private tokenUsage: Usage = {};
  private state: State = 'pending';
  private completed: Promise<void> | undefined;
  private finished: Promise<void> | undefined;
  private readonly signal = new ChangeSignal();

  /** How to run; a true private field because it may hold an explicit key, which must never be serialised. */
  readonly #init: ResponseInit;

  constructor(
    /** The prompt this is the reply to. */
    readonly prompt: Prompt,
    init: ResponseInit = {},
  ) {
    this.#init = init;
    const scope = currentResponseCache();
    const asked = init.cache;
    this.#cache =
      asked === undefined || asked === false
        ? asked === false && scope
          ? { ...scope, enabled: false }
          : scope
        : { enabled: true, ttlMs: asked === true ? scope?.ttlMs : asked.ttlMs, salt: scope?.salt };
    this.model = prompt.model;
    this.conversation = init.conversation;
    this.stream = (init.stream ?? true) && prompt.model.canStream;
  }

  /** A finished response rebuilt from a log, so a conversation can continue from it. */
  static restore(data: RestoredResponse): Response {
    const response = new Response(data.prompt, { conversation: data.conversation, log: false });
    (response as { id: string }).id = data.id;
    response.chunks.push(data.text);
    response.datetimeUtc = data.datetimeUtc;
    response.durationMs = data.durationMs;
    response.tokenUsage = data.usage ?? {};
    response.calls.push(...(data.toolCalls ?? []));
    response.state = 'done';
    response.completed = response.finished = Promise.resolve();
    return response;
  }

  /** Whether the whole text is there (the model finished successfully). */
  get isDone(): boolean {
    return this.state === 'complete' || this.state === 'done';
  }

  /** The text so far: all of it once the response is done. */
  get textSoFar(): string {
    return this.chunks.join('');
  }

  /** Records token usage; models call this from `execute()`. */
  setUsage(usage: Usage): void {
    this.tokenUsage = { ...usage };
  }

  /** Records a tool the model asks to run; models call this from `execute()`. */
  addToolCall(call: ToolCall): void {
    this.calls.push(call);
  }

  /** The tools the reply asked for, once it is complete (see `model.chain()` to run them). */
  async toolCalls(): Promise<ToolCall[]> {
    this.start();
    await this.completed;
    return [...this.calls];
  }

  /** The tool calls so far: all of them once the response is done. */
  get toolCallsSoFar(): readonly ToolCall[] {
    return this.calls;
  }

  /** Yields the reply's chunks as they arrive (or again, once finished). */
  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    this.start();
    let index = 0;
    for (;;) {
      while (index < this.chunks.length) yield this.chunks[index++]!;
      if (this.isDone) return;
      if (this.state === 'failed') throw this.error;
      await this.signal.changed;
    }
  }

  /** The whole reply. */
  async text(): Promise<string> {
    this.start();
    await this.completed;
    return this.chunks.join('');
  }

  /**
   * The reply parsed as JSON; validated against the prompt's schema if it has one. Throws an
   * LlmError saying what failed, with the raw text available as `error.cause`.
   */
  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    let data: unknown;
    try {
      data = parseJsonReply(text);
    } catch (error) {
      throw new LlmError(`The reply from ${this.model.id} is not valid JSON: ${messageOf(error)}`, { cause: text });
    }
    if (this.prompt.schema) {
      const validate = await compileSchema(this.prompt.schema);
      if (!validate(data)) {
        const problems = (validate.errors ?? []).map((e) => describeSchemaError(e, data));
        throw new LlmError(`The reply from ${this.model.id} does not match the schema: ${problems.join('; ')}`, { cause: text });
      }
    }
    return data as T;
  }

  /** Token usage, once the text is complete. */
  async usage(): Promise<Usage> {
    this.start();
    await this.completed;
    return this.tokenUsage;
  }

  /** Waits until the response is complete and logged; throws if it failed. */
  async done(): Promise<void> {
    this.start();
    await this.finished;
  }

  private start(): void {
    if (this.completed) return;
    this.state = 'running';
    this.completed = this.produce();
    this.finished = this.completed.then(() => this.log());
    // A caller that only iterates sees a failure there; do not also report it as unhandled.
    this.completed.catch(() => {});
    this.finished.catch(() => {});
  }

  private notify(): void {
    this.signal.notify();
  }

  private async produce(): Promise<void> {
    const host = modelHostOf(this.model);
    const started = monotonicMs();
    this.datetimeUtc = utcNow();
    try {
      if (this.prompt.tools.length > 0 && !this.model.supportsTools) {
        throw new LlmError(`Model '${this.model.id}' does not support tools. Pick one that does ('llm models --options' lists each model's features).`);
      }
      this.prompt.options = await validateOptions(this.model, this.prompt.options);
      await checkAttachmentTypes(this.model, this.prompt.attachments);
      if (host && this.#init.log !== false) {
        this.requestHash = await requestHash(this, this.#cache?.salt);
        if (this.#cache?.enabled && host.findCachedResponse && (await this.answerFromCache(host.findCachedResponse.bind(host)))) return;
      }
      const key = host
        ? await host.resolveKey(this.model, this.#init.key)
        : await resolveKeyWithoutHost(this.model, this.#init.key);
      const context = {
        stream: this.stream,
        conversation: this.conversation,
        key,
        signal: this.#init.signal ?? new AbortController().signal,
        response: this,
      };
      const chunks = this.model.execute(this.prompt, context)[Symbol.asyncIterator]();
      // Asking for the first chunk sends the request; the logger gets ready while the model answers.
      const first = chunks.next();
      if (host && this.#init.log !== false) host.prepareLog?.(this.logContext());
      for (let step = await first; !step.done; step = await chunks.next()) {
        const chunk = step.value;
        if (typeof chunk !== 'string' || chunk === '') continue;
        this.chunks.push(chunk);
        this.notify();
      }
    } catch (error) {
      this.durationMs = Math.round(monotonicMs() - started);
      this.error = error;
      this.state = 'failed';
      this.notify();
      throw error;
    }
    this.durationMs = Math.round(monotonicMs() - started);
    this.conversation?.responses.push(this);
    this.state = 'complete';
    this.notify();
  }

  /** Takes the answer from the newest logged response to the same request, if there is one. */
  private async answerFromCache(find: (request: CachedResponseRequest) => Promise<CachedResponse | undefined>): Promise<boolean> {
    const log = typeof this.#init.log === 'object' ? this.#init.log : {};
    const ttlMs = this.#cache?.ttlMs;
    const hit = await find({
      hash: this.requestHash!,
      ...(ttlMs === undefined ? {} : { notBefore: utcNow(new Date(Date.now() - ttlMs)) }),
      ...(log.database ? { database: log.database } : {}),
    });
    if (!hit) return false;
    (this as { id: string }).id = hit.id;
    this.cached = true;
    this.chunks.push(hit.text);
    this.responseJson = hit.responseJson;
    this.resolvedModel = hit.resolvedModel;
    this.tokenUsage = hit.usage ?? {};
    this.calls.push(...(hit.toolCalls ?? []));
    this.durationMs = 0;
    this.conversation?.responses.push(this);
    this.state = 'complete';
    this.notify();
    return true;
  }

  private async log(): Promise<void> {
    const host = modelHostOf(this.model);
    if (host && this.#init.log !== false) await host.logResponse(this, this.logContext());
    this.state = 'done';
  }

  private logContext(): LogContext {
    const log = typeof this.#init.log === 'object' ? this.#init.log : {};
    return { force: log.force ?? false, ...(log.database ? { database: log.database } : {}), ...(log.batch ? { batch: true } : {}) };
  }
}

/** Every attachment's type is one the model takes; else an error listing what it takes. */
export async function checkAttachmentTypes(model: Model, attachments: readonly Attachment[]): Promise<void> {
  for (const attachment of attachments) {
    const type = await attachment.resolveType();
    if (model.attachmentTypes.has(type)) continue;
    const takes = [...model.attachmentTypes].sort();
    throw new LlmError(
      takes.length === 0
        ? `Model '${model.id}' does not take attachments (${attachment.label} is ${type}). Pick a model that does with -m ('llm models --options' lists what each takes).`
        : `Model '${model.id}' does not take ${type} attachments (${attachment.label}); it takes ${takes.join(', ')}. Pick another model with -m, or another file.`,
    );
  }
}

async function resolveKeyWithoutHost(model: Model, explicit: string | undefined): Promise<string | undefined> {
  const typed = cleanKey(explicit);
  if (typed) return typed;
  if (!model.needsKey) return undefined;
  const fromEnv = model.keyEnvVar ? cleanKey(process.env[model.keyEnvVar]) : undefined;
  if (fromEnv) return fromEnv;
  throw new MissingKeyError(model.id, model.needsKey, model.keyEnvVar);
}
