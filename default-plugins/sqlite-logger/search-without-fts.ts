import type { SqliteDatabase, SqlValue } from './engines/types.js';
import { fts5Tokens, phraseCount } from './fts5-tokenizer.js';

/** FTS5's bm25() constants (fts5_aux.c). */
const K1 = 1.2;
const B = 0.75;

/** One response that has every phrase. */
interface Match {
  readonly rowid: number;
  readonly id: string;
  /** Its words, prompt and response together. */
  readonly size: number;
  /** How often each phrase occurs in it. */
  readonly counts: readonly number[];
}

/** Where a search without FTS5 reads: the rows an FTS5 index would hold, and the SQL a filter narrows. */
export interface SearchCorpus {
  /** Selects `r` (the index's rowid), `id` (for ties: newest id first), `prompt` and `response`. */
  readonly rows: string;
  /** Selects `r` of the rows a WHERE clause may narrow. */
  readonly filtered: string;
}

/** The `responses` table, as `responses_fts` indexes it. */
export const RESPONSES_CORPUS: SearchCorpus = {
  rows: 'SELECT rowid AS r, id, prompt, response FROM responses',
  filtered: 'SELECT responses.rowid AS r FROM responses',
};

/** The Python llm 0.32's `turn_search` table, as `turn_search_fts` indexes it (ties by turn id). */
export const TURNS_CORPUS: SearchCorpus = {
  rows: 'SELECT id AS r, turn_id AS id, prompt, response FROM turn_search',
  filtered: 'SELECT turn_search.id AS r FROM turn_search JOIN turns ON turns.id = turn_search.turn_id',
};

/**
 * `llm logs -q` where the log has no FTS5 index (sql.js): the rowids (and bm25 ranks) of the responses that
 * `responses_fts MATCH '"term1" "term2"' ORDER BY rank, id DESC` would return, best first: the
 * same words (see fts5-tokenizer.ts) and the same ranking, FTS5's bm25() computed over every
 * response as the index would hold them (or every 0.32 turn: `corpus`). `filter` and `params` narrow the rows shown (model,
 * conversation), not the statistics, as with FTS5. sql.js holds the whole log in memory anyway.
 * `order: 'latest'` (`-l`): the same matches, newest id first, not ranked.
 */
export function searchWithoutFts(
  db: SqliteDatabase,
  terms: readonly string[],
  filter: string,
  params: readonly SqlValue[],
  count: number,
  corpus: SearchCorpus = RESPONSES_CORPUS,
  order: 'rank' | 'latest' = 'rank',
): { rowid: number; rank: number }[] {
  // A term with no word in it (`-`) is left out, as FTS5 leaves it out; with none left, nothing matches.
  const phrases = terms.map(fts5Tokens).filter((phrase) => phrase.length > 0);
  if (phrases.length === 0) return [];
  const shown = filter ? new Set(db.all<{ r: number }>(`${corpus.filtered}${filter}`, [...params]).map((row) => Number(row.r))) : undefined;
  let rows = 0;
  let words = 0;
  const hits = phrases.map(() => 0);
  const matches: Match[] = [];
  for (const row of db.all<{ r: number; id: string; prompt: string | null; response: string | null }>(corpus.rows)) {
    const columns = [fts5Tokens(row.prompt ?? ''), fts5Tokens(row.response ?? '')];
    rows++;
    const size = columns[0]!.length + columns[1]!.length;
    words += size;
    const counts = phrases.map((phrase) => columns.reduce((sum, column) => sum + phraseCount(column, phrase), 0));
    counts.forEach((n, i) => n > 0 && hits[i]!++);
    const rowid = Number(row.r);
    if (counts.every((n) => n > 0) && (!shown || shown.has(rowid))) matches.push({ rowid, id: row.id, size, counts });
  }
  if (order === 'latest') {
    // `-l`: the newest matches, by id, unranked (rank 0).
    matches.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return (count > 0 ? matches.slice(0, count) : matches).map((match) => ({ rowid: match.rowid, rank: 0 }));
  }
  const averageSize = words / rows;
  const idf = hits.map((n) => {
    const value = Math.log((rows - n + 0.5) / (n + 0.5));
    return value <= 0 ? 1e-6 : value;
  });
  const scored = matches.map((match) => {
    let score = 0;
    match.counts.forEach((frequency, i) => {
      score += idf[i]! * ((frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + (B * match.size) / averageSize)));
    });
    return { match, rank: -1.0 * score };
  });
  scored.sort((a, b) => a.rank - b.rank || (a.match.id < b.match.id ? 1 : a.match.id > b.match.id ? -1 : 0));
  return (count > 0 ? scored.slice(0, count) : scored).map((s) => ({ rowid: s.match.rowid, rank: s.rank }));
}
