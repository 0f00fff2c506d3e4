import { hashedVector, HashingEmbeddingModel } from '../../../default-plugins/embeddings/hashing-model.js';
import { topSimilar } from '../../../default-plugins/embeddings/similarity.js';
import { cosineSimilarity, decodeVector, encodeVector, float32View } from '../../../src/embeddings/vector.js';

describe('vectors as the Python llm stores them', () => {
  it('encodes little-endian float32 (struct.pack("<ffff")) and decodes the same', () => {
    const bytes = encodeVector([0.5, -0.25, 0.125, 1]);
    expect(Buffer.from(bytes).toString('hex')).toBe('0000003f000080be0000003e0000803f'); // as in the Python fixture
    expect(decodeVector(bytes)).toEqual([0.5, -0.25, 0.125, 1]);
  });

  it('views aligned blobs without copying, copies unaligned ones, refuses a ragged one', () => {
    const buffer = new Uint8Array(20);
    buffer.set(encodeVector([1, 2, 3, 4]), 4);
    const aligned = float32View(buffer.subarray(4, 20));
    expect(aligned.buffer).toBe(buffer.buffer);
    expect(Array.from(aligned)).toEqual([1, 2, 3, 4]);
    const odd = new Uint8Array(17);
    odd.set(encodeVector([1, 2, 3, 4]), 1);
    expect(Array.from(float32View(odd.subarray(1)))).toEqual([1, 2, 3, 4]);
    expect(() => float32View(new Uint8Array(6))).toThrow(/not a multiple of 4/);
  });

  it('computes cosine similarity as the Python llm does', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
    expect(cosineSimilarity([1, 2, 3], [-1, -2, -3])).toBeCloseTo(-1, 12);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/different models/);
  });
});

describe('topSimilar', () => {
  const rows = (vectors: Record<string, number[]>) => Object.entries(vectors).map(([id, v]) => ({ id, embedding: encodeVector(v) }));

  it('keeps the n best, best first, with the same scores as cosineSimilarity', () => {
    const query = [1, 0.5, 0];
    const vectors: Record<string, number[]> = {};
    for (let i = 0; i < 200; i++) vectors[`v${i}`] = [Math.cos(i), Math.sin(i), (i % 7) - 3];
    const expected = Object.entries(vectors)
      .map(([id, v]) => ({ id, score: cosineSimilarity(Array.from(float32View(encodeVector(v))), query) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5);
    expect(topSimilar(rows(vectors), query, 5)).toEqual(expected);
    expect(topSimilar(rows(vectors), query, 0)).toEqual([]);
    expect(topSimilar([], query, 3)).toEqual([]);
  });

  it('sums in lanes: the same scores as cosineSimilarity to the bit, and a single running sum\'s to 1e-12, at any length', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (const dimensions of [1, 4, 5, 1536, 1539]) {
      const query = Array.from({ length: dimensions }, random);
      const vectors: Record<string, number[]> = {};
      for (let i = 0; i < 20; i++) vectors[`v${i}`] = Array.from({ length: dimensions }, random);
      const top = topSimilar(rows(vectors), query, 20);
      expect(top).toHaveLength(20);
      for (const { id, score } of top) {
        const stored = Array.from(float32View(encodeVector(vectors[id]!)));
        expect(score).toBe(cosineSimilarity(stored, query));
        let dot = 0;
        let aa = 0;
        let bb = 0;
        for (let i = 0; i < dimensions; i++) {
          dot += stored[i]! * query[i]!;
          aa += stored[i]! * stored[i]!;
          bb += query[i]! * query[i]!;
        }
        expect(Math.abs(score - dot / Math.sqrt(aa * bb))).toBeLessThan(1e-12);
      }
    }
  });

  it('refuses vectors of another length, naming the item', () => {
    expect(() => topSimilar(rows({ a: [1, 0, 0], b: [1, 0] }), [1, 0, 0], 2)).toThrow(/item 'b' has a vector of 2 dimensions, the query 3/);
  });
});

describe('the offline hashing model', () => {
  it('gives unit vectors of 512 dimensions, the same for the same text, close for shared words', async () => {
    const model = new HashingEmbeddingModel();
    const [a, b, c] = await model.embedBatch(['The cat sat on the mat', 'A cat on a mat', 'Interest rates rose sharply']);
    expect(a).toHaveLength(512);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    expect(Array.from(hashedVector('The cat sat on the mat'))).toEqual(Array.from(a!));
    expect(cosineSimilarity(a!, b!)).toBeGreaterThan(cosineSimilarity(a!, c!) + 0.3);
    expect(Array.from(hashedVector('the of and'))).toEqual(new Array(512).fill(0));
    expect(Array.from((await model.embedBatch([new TextEncoder().encode('A cat on a mat')]))[0]!)).toEqual(Array.from(b!));
  });
});
