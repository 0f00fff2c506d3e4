/**
 * Vectors as the Python llm stores them: little-endian float32, packed (`llm.encode`/`llm.decode`),
 * and its cosine similarity.
 */

/** The bytes of a vector as stored in embeddings.db: little-endian float32s. */
export function encodeVector(vector: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return bytes;
}

/** A stored vector as numbers. */
export function decodeVector(bytes: Uint8Array): number[] {
  return Array.from(float32View(bytes));
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The float32s of a stored vector, as a view of the same bytes where it can be (no copy): the
 * blob's offset must be a multiple of 4 and the machine little-endian (as every Node platform is).
 */
export function float32View(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new RangeError(`a stored vector has ${bytes.length} bytes, not a multiple of 4: it is not a float32 vector`);
  if (littleEndian && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const copy = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < copy.length; i++) copy[i] = view.getFloat32(i * 4, true);
  return copy;
}

/**
 * Cosine similarity as the Python llm defines it: the dot product over the two magnitudes. Each
 * sum is kept in four lanes (elements i, i+4, ... in lane i % 4, the lanes added at the end):
 * four independent additions per step run ~1.5x faster than one chain, and differ from a single
 * running sum only in the last bits (as the Python llm's own sums differ between Python versions).
 * `topSimilar` sums the same way, so the two give the same scores to the bit.
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare vectors of ${a.length} and ${b.length} dimensions: they come from different models`);
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  const end = a.length - (a.length % 4);
  let i = 0;
  for (; i < end; i += 4) {
    d0 += a[i]! * b[i]!;
    d1 += a[i + 1]! * b[i + 1]!;
    d2 += a[i + 2]! * b[i + 2]!;
    d3 += a[i + 3]! * b[i + 3]!;
  }
  let dot = d0 + d1 + (d2 + d3);
  for (; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot / (Math.sqrt(squaredMagnitude(a)) * Math.sqrt(squaredMagnitude(b)));
}

/** The sum of a vector's squares, in the four lanes `cosineSimilarity` sums in. */
export function squaredMagnitude(a: ArrayLike<number>): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = a.length - (a.length % 4);
  let i = 0;
  for (; i < end; i += 4) {
    s0 += a[i]! * a[i]!;
    s1 += a[i + 1]! * a[i + 1]!;
    s2 += a[i + 2]! * a[i + 2]!;
    s3 += a[i + 3]! * a[i + 3]!;
  }
  let sum = s0 + s1 + (s2 + s3);
  for (; i < a.length; i++) sum += a[i]! * a[i]!;
  return sum;
}
