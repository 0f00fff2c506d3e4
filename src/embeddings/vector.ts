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

/** Cosine similarity, computed as the Python llm does (dot product over the two magnitudes). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare vectors of ${a.length} and ${b.length} dimensions: they come from different models`);
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return dot / (Math.sqrt(aa) * Math.sqrt(bb));
}
