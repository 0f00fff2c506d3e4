import { EmbeddingModel, type EmbedItem } from 'llm-host';

/** Dimensions of the offline model's vectors. */
const DIMENSIONS = 512;

/**
 * An offline embedding model for newcomers and tests, needing no key and no download: feature
 * hashing of words (common English ones left out), word pairs and character trigrams (with spaces
 * marking word edges), each
 * hashed (FNV-1a) into one of 512 dimensions with a hashed sign, then L2-normalised. Texts sharing
 * words and word pieces point the same way, so `llm similar` finds neighbours by wording (not by
 * meaning, as a trained model does).
 */
export class HashingEmbeddingModel extends EmbeddingModel {
  readonly id = 'hash-ngrams';
  override readonly aliases = ['offline'];
  override readonly label = 'Offline (hashed n-grams)';
  override readonly batchSize = 1000;
  override readonly supportsBinary = true;

  async embedBatch(items: readonly EmbedItem[]): Promise<Float32Array[]> {
    return items.map((item) => hashedVector(typeof item === 'string' ? item : new TextDecoder().decode(item)));
  }
}

/** Words too common to tell texts apart (English), left out so they do not make unrelated texts alike. */
const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have he her his i if in into is it its of on or our she so that the their them they this to was we were what when which who will with you your'.split(' '),
);

/** The normalised hashed n-gram vector of a text. */
export function hashedVector(text: string): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  const words = (text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !STOP_WORDS.has(word));
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    vector[hash % DIMENSIONS]! += (hash & 0x80000000 ? -1 : 1) * weight;
  };
  for (const [index, word] of words.entries()) {
    add(`w:${word}`, 1);
    if (index > 0) add(`b:${words[index - 1]} ${word}`, 0.5);
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.25);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** 32-bit FNV-1a over the UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
