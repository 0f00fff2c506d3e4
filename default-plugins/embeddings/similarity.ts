import { float32View, LlmError, squaredMagnitude } from 'llm-host';

/** One scored item. */
export interface Scored {
  readonly id: string;
  readonly score: number;
}

/**
 * The `n` rows whose vectors are most similar (cosine) to `query`, best first: one pass over the
 * rows, each blob read through a Float32Array view of its own bytes (no copy, no JS array), the
 * best `n` kept in a sorted array. Memory stays that of one row plus `n` results, however many
 * rows there are. The sums run in the four lanes of `cosineSimilarity` (the same scores, to the
 * bit), here inline: this loop is where `llm similar` spends its time.
 */
export function topSimilar(rows: Iterable<{ id: string; embedding: Uint8Array }>, query: ArrayLike<number>, n: number): Scored[] {
  const q = Float64Array.from(query);
  const qNorm = Math.sqrt(squaredMagnitude(q));
  const best: Scored[] = [];
  if (n <= 0) return best;
  const end = q.length - (q.length % 4);
  for (const row of rows) {
    const v = float32View(row.embedding);
    if (v.length !== q.length) {
      throw new LlmError(`item '${row.id}' has a vector of ${v.length} dimensions, the query ${q.length}: they come from different models. Embed the query with the collection's model.`);
    }
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i < end; i += 4) {
      const a = v[i]!;
      const b = v[i + 1]!;
      const c = v[i + 2]!;
      const d = v[i + 3]!;
      d0 += a * q[i]!;
      d1 += b * q[i + 1]!;
      d2 += c * q[i + 2]!;
      d3 += d * q[i + 3]!;
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    let dot = d0 + d1 + (d2 + d3);
    let vv = s0 + s1 + (s2 + s3);
    for (; i < v.length; i++) {
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
