import type { SqliteDatabase, SqlValue } from './engines/types.js';

/** A response that matched, with its FTS5 rank (bm25: lower is better). */
export interface RankedMatch {
  readonly rowid: number;
  readonly rank: number;
}

/** How many rows past the `count` best the first pass keeps, to see every row tied with the last one kept. */
const TIES = 1024;

/**
 * The `count` best matches of an FTS5 query on `responses_fts`, best first: what
 * `... JOIN responses_fts ... WHERE responses_fts MATCH ? ORDER BY rank, responses.id DESC LIMIT count`
 * returns, without that query's cost on a big log. That query reads every matching row of
 * `responses` (and its joined tables) into SQLite's sorter before the LIMIT keeps three, so its
 * cost grows with the matches and their text. Here the ranks are sorted in the index alone (no
 * join unless `where` narrows the rows), and only the best rows are read.
 *
 * `ORDER BY +rank` makes SQLite sort (a bounded top-N sort) rather than FTS5's own sorter, which
 * sorts every match. Ties: the rows tied with the last one kept are ordered by id, as the query
 * orders them, from the first pass when it holds them all (`TIES` rows past the best), else from
 * a second query that reads them. `where` (conditions on `responses`) and `params` narrow the
 * rows shown, as in that query.
 */
export function bestMatchesWithFts(db: SqliteDatabase, match: string, where: readonly string[], params: readonly SqlValue[], count: number): RankedMatch[] {
  const from = where.length > 0 ? 'responses_fts JOIN responses ON responses.rowid = responses_fts.rowid' : 'responses_fts';
  const conditions = ['responses_fts MATCH ?', ...where].join(' AND ');
  const limit = Math.floor(count);
  const window = limit + TIES;
  const ranked = db
    .all<{ r: number; k: number }>(`SELECT responses_fts.rowid AS r, responses_fts.rank AS k FROM ${from} WHERE ${conditions} ORDER BY +responses_fts.rank LIMIT ${window}`, [match, ...params])
    .map(({ r, k }) => ({ rowid: Number(r), rank: Number(k) }));
  if (ranked.length === 0) return [];
  const last = ranked[Math.min(limit, ranked.length) - 1]!.rank;
  let candidates = ranked.filter((row) => row.rank <= last);
  if (candidates.length === window) {
    // More rows tie with the last one kept than the first pass holds: let SQLite order them.
    candidates = db
      .all<{ r: number; k: number }>(
        `SELECT responses_fts.rowid AS r, responses_fts.rank AS k FROM responses_fts JOIN responses ON responses.rowid = responses_fts.rowid
          WHERE ${conditions} ORDER BY responses_fts.rank, responses.id DESC LIMIT ${limit}`,
        [match, ...params],
      )
      .map(({ r, k }) => ({ rowid: Number(r), rank: Number(k) }));
  }
  const ids = new Map(db.all<{ r: number; id: string }>(`SELECT rowid AS r, id FROM responses WHERE rowid IN (${candidates.map((c) => c.rowid).join(', ')})`).map((row) => [Number(row.r), row.id]));
  return candidates.sort((a, b) => a.rank - b.rank || compareDescending(ids.get(a.rowid)!, ids.get(b.rowid)!)).slice(0, limit);
}

function compareDescending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
