import { FOLDS, SEPARATORS } from './fts5-unicode61-table.js';

/**
 * FTS5's default tokenizer (unicode61, remove_diacritics 1) in JavaScript, for the engine without
 * FTS5 (sql.js): `llm logs -q` then finds the rows a native engine's `responses_fts` finds. Its
 * tables come from SQLite itself (scripts/fts5-unicode61-table.mjs); a test compares the two on
 * every code point where a native engine is there.
 */
interface Tables {
  /** Separator ranges, sorted: starts and ends. */
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly folds: ReadonlyMap<number, string>;
}

let tables: Tables | undefined;

function load(): Tables {
  if (tables) return tables;
  const ranges = SEPARATORS.split(',').map((range) => range.split('-').map((n) => parseInt(n, 16)));
  const folds = new Map<number, string>();
  for (const entry of FOLDS.split(',')) {
    const [from, to] = entry.split(':') as [string, string];
    folds.set(parseInt(from, 16), to === '' ? '' : String.fromCodePoint(...to.split('+').map((n) => parseInt(n, 16))));
  }
  tables = {
    starts: Uint32Array.from(ranges, (r) => r[0]!),
    ends: Uint32Array.from(ranges, (r) => r[1] ?? r[0]!),
    folds,
  };
  return tables;
}

/** Whether unicode61 treats the code point as a separator (binary search of the ranges). */
function isSeparator(cp: number, { starts, ends }: Tables): boolean {
  if (cp < 0x80) return !((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a));
  let low = 0;
  let high = starts.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (cp < starts[middle]!) high = middle - 1;
    else if (cp > ends[middle]!) low = middle + 1;
    else return true;
  }
  return false;
}

/** The words of `text` as FTS5 indexes them: case-folded, most diacritics removed. */
export function fts5Tokens(text: string): string[] {
  const t = load();
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (isSeparator(cp, t)) {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
      continue;
    }
    inToken = true;
    if (cp < 0x80) token += cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : char;
    else token += t.folds.get(cp) ?? char;
  }
  if (inToken) tokens.push(token);
  return tokens;
}

/** How many times `phrase` occurs in `words` as consecutive words (overlaps count, as in FTS5). */
export function phraseCount(words: readonly string[], phrase: readonly string[]): number {
  let count = 0;
  outer: for (let start = 0; start + phrase.length <= words.length; start++) {
    for (let i = 0; i < phrase.length; i++) if (words[start + i] !== phrase[i]) continue outer;
    count++;
  }
  return count;
}
