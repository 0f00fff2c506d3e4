import { float32View, LlmError } from 'llm-host';

/** One scored item. */
export interface Scored {
  readonly id: string;
  readonly score: number;
}

/**
 * The `n` rows whose vectors are most similar (cosine) to `query`, best first: one pass over the
 * rows, each blob read through a Float32Array view of its own bytes (no copy, no JS array), the
 * best `n` kept in a sorted array. Memory stays that of one row plus `n` results, however many
 * rows there are.
 */
export function topSimilar(rows: Iterable<{ id: string; embedding: Uint8Array }>, query: ArrayLike<number>, n: number): Scored[] {
  const q = Float64Array.from(query);
  let qq = 0;
  for (let i = 0; i < q.length; i++) qq += q[i]! * q[i]!;
  const qNorm = Math.sqrt(qq);
  const best: Scored[] = [];
  if (n <= 0) return best;
  for (const row of rows) {
    const v = float32View(row.embedding);
    if (v.length !== q.length) {
      throw new LlmError(`item '${row.id}' has a vector of ${v.length} dimensions, the query ${q.length}: they come from different models. Embed the query with the collection's model.`);
    }
    let dot = 0;
    let vv = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      dot += x * q[i]!;
      vv += x * x;
    }
    const score = dot / (Math.sqrt(vv) * qNorm);
    if (best.length === n && !(score > best[n - 1]!.score)) continue;
    // Insert in order: n is small (10 by default), so a shift beats a heap.
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { id: row.id, score });
    if (best.length > n) best.pop();
  }
  return best;
}
