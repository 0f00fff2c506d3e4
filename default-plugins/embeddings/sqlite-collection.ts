import {
  decodeVector,
  encodeVector,
  LlmError,
  type Collection,
  type CollectionEmbedOptions,
  type CollectionItem,
  type EmbeddingModel,
  type EmbedItem,
  type Entry,
  type LogStore,
  type Metadata,
  type SimilarOptions,
  type SqlDatabase,
} from 'llm-host';
import { withPageCache } from '../../src/util/page-cache.js';
import { md5 } from './migrations.js';
import { topSimilar } from './similarity.js';

/** The page cache, in KiB, of the scan `llm similar` makes (every vector's page read once). */
const SCAN_CACHE_KIB = 256;

/** A collection row. */
export interface CollectionRow {
  readonly id: number;
  readonly name: string;
  readonly model: string;
}

/**
 * A collection in an embeddings.db, read and written as the Python llm's `Collection` does: one row
 * in `collections`, one per item in `embeddings` (vector as little-endian float32, md5 of the
 * content, metadata as JSON, `updated` in Unix seconds).
 */
export class SqliteCollection implements Collection {
  readonly id: number;
  readonly name: string;
  readonly modelId: string;
  #model: EmbeddingModel | undefined;

  constructor(
    private readonly store: LogStore,
    row: CollectionRow,
    private readonly getModel: (id: string) => Promise<EmbeddingModel>,
    model?: EmbeddingModel,
  ) {
    this.id = row.id;
    this.name = row.name;
    this.modelId = row.model;
    this.#model = model;
  }

  get path(): string {
    return this.store.path;
  }

  async model(): Promise<EmbeddingModel> {
    this.#model ??= await this.getModel(this.modelId);
    return this.#model;
  }

  async count(): Promise<number> {
    const row = await this.store.read((db) => db.get<{ c: number }>('SELECT count(*) AS c FROM embeddings WHERE collection_id = ?', [this.id]));
    return Number(row?.c ?? 0);
  }

  async embed(id: string, content: EmbedItem, options: CollectionEmbedOptions & { metadata?: Metadata | null | undefined } = {}): Promise<void> {
    await this.embedMulti([{ id, content, metadata: options.metadata }], options);
  }

  async embedMulti(items: Iterable<CollectionItem> | AsyncIterable<CollectionItem>, options: CollectionEmbedOptions = {}): Promise<{ embedded: number; skipped: number }> {
    const model = await this.model();
    const size = Math.max(1, Math.min(options.batchSize ?? 100, model.batchSize ?? Number.POSITIVE_INFINITY));
    let done = 0;
    let skipped = 0;
    let batch: CollectionItem[] = [];
    const flush = async () => {
      const fresh = await this.changed(batch);
      skipped += batch.length - fresh.length;
      if (fresh.length > 0) {
        const vectors: number[][] = [];
        for await (const vector of model.embedMulti(
          fresh.map((item) => item.content),
          { batchSize: size, key: options.key, signal: options.signal },
        )) {
          vectors.push(vector);
        }
        const updated = Math.floor(Date.now() / 1000);
        await this.store.write((db) => {
          for (const [index, item] of fresh.entries()) insertItem(db, this.id, item, vectors[index]!, options.store ?? false, updated);
        });
      }
      done += batch.length;
      batch = [];
      options.onBatch?.({ done, skipped });
    };
    for await (const item of items) {
      model.check(item.content);
      batch.push(item);
      if (batch.length >= size) await flush();
    }
    if (batch.length > 0) await flush();
    return { embedded: done - skipped, skipped };
  }

  /**
   * The items of a batch that need embedding: not already stored under the same id with the same
   * content (md5), and the last of any repeated id.
   */
  private async changed(batch: readonly CollectionItem[]): Promise<CollectionItem[]> {
    const byId = new Map(batch.map((item) => [item.id, item]));
    const ids = [...byId.keys()];
    const stored = await this.store.read((db) =>
      db.all<{ id: string; content_hash: Uint8Array | null }>(
        `SELECT id, content_hash FROM embeddings WHERE collection_id = ? AND id IN (${ids.map(() => '?').join(', ')})`,
        [this.id, ...ids],
      ),
    );
    const hashes = new Map((stored ?? []).map((row) => [row.id, row.content_hash ? Buffer.from(row.content_hash).toString('hex') : '']));
    return [...byId.values()].filter((item) => hashes.get(item.id) !== Buffer.from(md5(item.content)).toString('hex'));
  }

  async similar(content: EmbedItem, options: SimilarOptions = {}): Promise<Entry[]> {
    const vector = await (await this.model()).embed(content, { key: options.key });
    return this.similarByVector(vector, options);
  }

  async similarById(id: string, options: SimilarOptions = {}): Promise<Entry[]> {
    const row = await this.store.read((db) => db.get<{ embedding: Uint8Array }>('SELECT embedding FROM embeddings WHERE collection_id = ? AND id = ?', [this.id, id]));
    if (!row) throw new LlmError(`ID '${id}' not found in collection '${this.name}'; 'llm similar ${this.name} -c TEXT' searches by content.`);
    return this.similarByVector(decodeVector(row.embedding), { ...options, skipId: id });
  }

  async similarByVector(vector: ArrayLike<number>, options: SimilarOptions & { skipId?: string | undefined } = {}): Promise<Entry[]> {
    const where = ['collection_id = ?'];
    const params: (string | number)[] = [this.id];
    // As the Python llm: LIKE, so the prefix match ignores ASCII case.
    if (options.prefix) {
      where.push("id LIKE ? || '%'");
      params.push(options.prefix);
    }
    if (options.skipId !== undefined) {
      where.push('id != ?');
      params.push(options.skipId);
    }
    const entries = await this.store.read((db) => {
      // Every vector is read once: a small page cache reuses its buffers (see withPageCache).
      const best = withPageCache(db, SCAN_CACHE_KIB, () =>
        topSimilar(db.iterate<{ id: string; embedding: Uint8Array }>(`SELECT id, embedding FROM embeddings WHERE ${where.join(' AND ')}`, params), vector, options.number ?? 10),
      );
      return best.map(({ id, score }): Entry => {
        const row = db.get<{ content: string | null; metadata: string | null }>('SELECT content, metadata FROM embeddings WHERE collection_id = ? AND id = ?', [this.id, id]);
        return { id, score, content: row?.content ?? null, metadata: row?.metadata ? (JSON.parse(row.metadata) as Metadata) : null };
      });
    });
    return entries ?? [];
  }

  async delete(): Promise<void> {
    await this.store.write((db) => {
      db.run('DELETE FROM embeddings WHERE collection_id = ?', [this.id]);
      db.run('DELETE FROM collections WHERE id = ?', [this.id]);
    });
  }
}

/** Stores one item, replacing any with the same id, as the Python llm's `insert_all(replace=True)`. */
function insertItem(db: SqlDatabase, collectionId: number, item: CollectionItem, vector: readonly number[], store: boolean, updated: number): void {
  const text = typeof item.content === 'string';
  db.run(
    'INSERT OR REPLACE INTO embeddings (collection_id, id, embedding, content, content_blob, content_hash, metadata, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [
      collectionId,
      item.id,
      encodeVector(vector),
      store && text ? (item.content as string) : null,
      store && !text ? (item.content as Uint8Array) : null,
      md5(item.content),
      item.metadata && Object.keys(item.metadata).length > 0 ? JSON.stringify(item.metadata) : null,
      updated,
    ],
  );
}
