/** Which words follow which: every word of a text mapped to the words seen right after it. */
export type Chain = Map<string, string[]>;

/** Learns a word chain from text (the last word leads back to the first, so a walk never stops). */
export function learn(text: string): Chain {
  const words = text.split(/\s+/).filter(Boolean);
  const chain: Chain = new Map();
  words.forEach((word, index) => {
    const next = words[(index + 1) % words.length]!;
    chain.set(word, [...(chain.get(word) ?? []), next]);
  });
  return chain;
}

/** A small seeded random number generator (mulberry32), so `-o seed N` repeats a result. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Walks the chain from its first word, picking each next word at random among those seen. */
export function* walk(chain: Chain, length: number, random: () => number): Generator<string> {
  let word = chain.keys().next().value;
  for (let i = 0; i < length && word !== undefined; i++) {
    yield word;
    const followers = chain.get(word) ?? [];
    word = followers[Math.floor(random() * followers.length)];
  }
}
