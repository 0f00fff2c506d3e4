import type { EmbeddingModel, EmbedItem } from './embedding-model.js';

/** JSON metadata stored with an item. */
export type Metadata = Record<string, unknown>;

/** One item found by a similarity search, as the Python llm's `Entry`. */
export interface Entry {
  readonly id: string;
  /** Cosine similarity to what was searched for (1 is the same direction). */
  readonly score: number;
  /** The stored text, if it was stored (`--store`). */
  readonly content: string | null;
  /** The stored metadata, if any. */
  readonly metadata: Metadata | null;
}

/** One item to embed into a collection. */
export interface CollectionItem {
  readonly id: string;
  readonly content: EmbedItem;
  readonly metadata?: Metadata | null | undefined;
}

/** How items are embedded and stored. */
export interface CollectionEmbedOptions {
  /** Keep the content itself (text in `content`, bytes in `content_blob`), not only its vector. */
  readonly store?: boolean | undefined;
  /** Items per request to the model (at most the model's own batch size; default 100). */
  readonly batchSize?: number | undefined;
  /** An API key or the name of a stored one, for models that need a key. */
  readonly key?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called after each batch is stored: items done so far, and how many of them were unchanged. */
  readonly onBatch?: ((progress: { done: number; skipped: number }) => void) | undefined;
}

/** How to search. */
export interface SimilarOptions {
  /** How many to return (default 10). */
  readonly number?: number | undefined;
  /** Only items whose id starts with this. */
  readonly prefix?: string | undefined;
  /** An API key or the name of a stored one, to embed what is searched for. */
  readonly key?: string | undefined;
}

/**
 * A named collection of embeddings in an embeddings.db, as the Python llm's `Collection`. Content
 * whose md5 is already stored in the collection is not embedded again.
 */
export interface Collection {
  readonly name: string;
  /** The collection's row id. */
  readonly id: number;
  /** The id of the embedding model its vectors come from. */
  readonly modelId: string;
  /** The database file. */
  readonly path: string;
  /** The collection's embedding model. */
  model(): Promise<EmbeddingModel>;
  /** How many items the collection holds. */
  count(): Promise<number>;
  /** Embeds and stores one item (replacing one with the same id); unchanged content is skipped. */
  embed(id: string, content: EmbedItem, options?: CollectionEmbedOptions & { metadata?: Metadata | null | undefined }): Promise<void>;
  /** Embeds and stores many items, in batches; returns how many were embedded and how many skipped as unchanged. */
  embedMulti(items: Iterable<CollectionItem> | AsyncIterable<CollectionItem>, options?: CollectionEmbedOptions): Promise<{ embedded: number; skipped: number }>;
  /** The items most similar to `content`, best first. */
  similar(content: EmbedItem, options?: SimilarOptions): Promise<Entry[]>;
  /** The items most similar to the stored item `id` (itself left out), best first. */
  similarById(id: string, options?: SimilarOptions): Promise<Entry[]>;
  /** The items most similar to a vector, best first. */
  similarByVector(vector: ArrayLike<number>, options?: SimilarOptions & { skipId?: string | undefined }): Promise<Entry[]>;
  /** Deletes the collection and its embeddings. */
  delete(): Promise<void>;
}

/** Which collection to open, for `openCollection`. */
export interface CollectionRequest {
  readonly name: string;
  /** An embeddings database other than the default (`-d/--database`). */
  readonly database?: string | undefined;
  /** The model the caller named: creates a new collection; an existing one of another model is an error. */
  readonly model?: EmbeddingModel | undefined;
  /** The default embedding model, for a new collection when no model was named. */
  readonly defaultModel?: EmbeddingModel | undefined;
  /** Create the collection when it does not exist (needs `model` or `defaultModel`); else that is an error. */
  readonly create: boolean;
  /** An embedding model by id or alias, for a collection's stored model id. */
  getModel(id: string): Promise<EmbeddingModel>;
}
