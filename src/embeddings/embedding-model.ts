import { LlmError } from '../errors.js';
import type { KeyNeeds } from '../user/keys.js';

/** What can be embedded: text, or bytes (an image, say) for models that take binary content. */
export type EmbedItem = string | Uint8Array;

/** What `embedBatch()` receives besides the items. */
export interface EmbedContext {
  /** The API key, when the model needs one. */
  readonly key: string | undefined;
  /** Aborted when the user presses Ctrl-C or the caller gives up. */
  readonly signal: AbortSignal;
}

/** Options for `embed()` and `embedMulti()`. */
export interface EmbedOptions {
  /** An API key, or the name of a stored key (`--key`); default: the model's stored key or variable. */
  readonly key?: string | undefined;
  /** Items per `embedBatch()` call, at most the model's `batchSize`. */
  readonly batchSize?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What an embedding model needs from the host that registered it: its key. */
export interface EmbeddingHost {
  resolveKey(model: KeyNeeds, explicit: string | undefined): Promise<string | undefined>;
}

const HOST = Symbol.for('llm.embeddingHost');

/** Binds an embedding model to the host that registered it (keys.json). */
export function bindEmbeddingHost(model: EmbeddingModel, host: EmbeddingHost): void {
  Object.defineProperty(model, HOST, { value: host, configurable: true, enumerable: false });
}

/**
 * A model that turns text (or bytes) into vectors, as plugins define them: data about the model
 * plus one `embedBatch()`. `embed()` and `embedMulti()` resolve the key and cut the input into
 * batches around it. Register one with the `registerEmbeddingModels` hook.
 */
export abstract class EmbeddingModel {
  /** Unique model id, e.g. `text-embedding-3-small`. */
  abstract readonly id: string;
  /** Short names, e.g. `3-small`. */
  readonly aliases: readonly string[] = [];
  /** Shown before the id in `llm embed-models`, e.g. `OpenAIEmbeddingModel`. */
  readonly label: string | undefined = undefined;
  /** Name of the key in keys.json this model needs, e.g. `openai`; undefined if it needs none. */
  readonly needsKey: string | undefined = undefined;
  /** Environment variable that may hold the key, e.g. `OPENAI_API_KEY`. */
  readonly keyEnvVar: string | undefined = undefined;
  /** Most items one `embedBatch()` call takes; undefined: no limit of its own (100 a batch). */
  readonly batchSize: number | undefined = undefined;
  /** Whether the model embeds text. */
  readonly supportsText: boolean = true;
  /** Whether the model embeds bytes (images, say). */
  readonly supportsBinary: boolean = false;

  /** Embeds one batch: one vector per item, in order. */
  abstract embedBatch(items: readonly EmbedItem[], context: EmbedContext): Promise<ArrayLike<number>[]>;

  /** The vector of one item. */
  async embed(item: EmbedItem, options: EmbedOptions = {}): Promise<number[]> {
    for await (const vector of this.embedMulti([item], options)) return vector;
    throw new LlmError(`Model '${this.id}' returned no vector.`);
  }

  /**
   * The vectors of many items, in order, asking the model for `batchSize` items at a time
   * (the smaller of the option and the model's own limit; default 100).
   */
  async *embedMulti(items: Iterable<EmbedItem> | AsyncIterable<EmbedItem>, options: EmbedOptions = {}): AsyncGenerator<number[]> {
    const size = Math.max(1, Math.min(options.batchSize ?? 100, this.batchSize ?? Number.POSITIVE_INFINITY));
    const key = await this.resolveKey(options.key);
    const signal = options.signal ?? new AbortController().signal;
    let batch: EmbedItem[] = [];
    const flush = async () => {
      const vectors = await this.embedBatch(batch, { key, signal });
      if (vectors.length !== batch.length) throw new LlmError(`Model '${this.id}' returned ${vectors.length} vectors for ${batch.length} items.`);
      batch = [];
      return vectors.map((vector) => Array.from(vector));
    };
    for await (const item of items) {
      this.check(item);
      batch.push(item);
      if (batch.length >= size) yield* await flush();
    }
    if (batch.length > 0) yield* await flush();
  }

  /** Throws when the model cannot embed this kind of item. */
  check(item: EmbedItem): void {
    if (typeof item === 'string' && !this.supportsText) throw new LlmError(`Model '${this.id}' does not embed text; pick one that does (see 'llm embed-models').`);
    if (typeof item !== 'string' && !this.supportsBinary) throw new LlmError(`Model '${this.id}' does not embed binary content; pick one that does (see 'llm embed-models').`);
  }

  /** The key to send: `explicit`, else what the registering host finds (keys.json, then the variable). */
  async resolveKey(explicit: string | undefined): Promise<string | undefined> {
    const host = (this as unknown as Record<symbol, EmbeddingHost | undefined>)[HOST];
    if (host) return host.resolveKey(this, explicit);
    if (explicit) return explicit;
    return this.keyEnvVar ? process.env[this.keyEnvVar] : undefined;
  }

  toString(): string {
    return `${this.label ?? this.constructor.name}: ${this.id}`;
  }
}
