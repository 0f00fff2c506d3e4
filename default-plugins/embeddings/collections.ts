import type { SqlDatabase } from 'llm-host';

/** A collection as `llm collections list` shows it (the Python llm's columns). */
export interface CollectionSummary {
  readonly name: string;
  readonly model: string;
  readonly num_embeddings: number;
}

/** Every collection with its model and size, as the Python llm's query. */
export function listCollections(db: SqlDatabase): CollectionSummary[] {
  return db
    .all<CollectionSummary>(
      `SELECT collections.name, collections.model, count(embeddings.id) AS num_embeddings
       FROM collections LEFT JOIN embeddings ON collections.id = embeddings.collection_id
       GROUP BY collections.name, collections.model`,
    )
    .map((row) => ({ name: row.name, model: row.model, num_embeddings: Number(row.num_embeddings) }));
}
