import { withPageCache } from '../../src/util/page-cache.js';
import type { SqliteDatabase, SqlValue } from './engines/types.js';

/** A response that matched, with its FTS5 rank (bm25: lower is better). */
export interface RankedMatch {
  readonly rowid: number;
  readonly rank: number;
}

/** How many rows past the `count` best the first pass keeps, to see every row tied with the last one kept. */
const TIES = 1024;

/**
 * How far down the id index (newest first) the newest of a tie group are looked for, per row of
 * the group, before reading the group's rows one by one instead: an index entry costs about a
 * hundredth of a row read by rowid (a page of its own each, in a log of long texts).
 */
const INDEX_ENTRIES_PER_TIED_ROW = 64;

/**
 * The page cache the ranking pass runs with, in KiB. The pass reads each page of the term's
 * doclists and of `responses_fts_docsize` once; with the default cache (2 MB on node:sqlite,
 * 16 MB on better-sqlite3) every page read grows the heap by a fresh page, which costs more
 * than the read (page faults; ~9 of 65 ms at 100k matches, measured), while a small cache
 * reuses its buffers. 256 KiB holds the b-trees' inner pages, which are read again and again.
 */
const RANKING_CACHE_KIB = 256;

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
  const ranked = withPageCache(db, RANKING_CACHE_KIB, () =>
    db.all<{ r: number; k: number }>(`SELECT responses_fts.rowid AS r, responses_fts.rank AS k FROM ${from} WHERE ${conditions} ORDER BY +responses_fts.rank LIMIT ${window}`, [match, ...params]),
  ).map(({ r, k }) => ({ rowid: Number(r), rank: Number(k) }));
  if (ranked.length === 0) return [];
  const last = ranked[Math.min(limit, ranked.length) - 1]!.rank;
  let candidates = ranked.filter((row) => row.rank <= last);
  if (candidates.length === window) {
    // More rows tie with the last one kept than the first pass holds: let SQLite order them.
    candidates = withPageCache(db, RANKING_CACHE_KIB, () =>
      db.all<{ r: number; k: number }>(
        `SELECT responses_fts.rowid AS r, responses_fts.rank AS k FROM responses_fts JOIN responses ON responses.rowid = responses_fts.rowid
          WHERE ${conditions} ORDER BY responses_fts.rank, responses.id DESC LIMIT ${limit}`,
        [match, ...params],
      ),
    ).map(({ r, k }) => ({ rowid: Number(r), rank: Number(k) }));
  }
  // Every row better than the last one kept is shown; of those tied with it, the newest by id.
  const better = candidates.filter((row) => row.rank < last);
  const tied = candidates.filter((row) => row.rank === last);
  const shown = [...better, ...newestById(db, tied, limit - better.length)];
  const ids = new Map(db.all<{ r: number; id: string }>(`SELECT rowid AS r, id FROM responses WHERE rowid IN (${shown.map((c) => c.rowid).join(', ')})`).map((row) => [Number(row.r), row.id]));
  return shown.sort((a, b) => a.rank - b.rank || compareDescending(ids.get(a.rowid)!, ids.get(b.rowid)!));
}

/**
 * The `count` rows of `rows` with the greatest ids. Many rows can tie (identical prompts and
 * replies rank alike), and reading each one's id by rowid costs a page read per row, so they are
 * first looked for among the newest ids of the index (ULIDs: ids grow with time, as rowids do),
 * where the newest of a group usually are; only when those do not hold `count` of them are the
 * rows read one by one.
 */
function newestById(db: SqliteDatabase, rows: readonly RankedMatch[], count: number): RankedMatch[] {
  if (rows.length <= count) return [...rows];
  const byRowid = new Map(rows.map((row) => [row.rowid, row]));
  const list = rows.map((row) => row.rowid).join(', ');
  const pick = (found: { r: number }[]) => found.map((row) => byRowid.get(Number(row.r))!);
  const newest = db.all<{ r: number }>(
    `SELECT r FROM (SELECT rowid AS r, id FROM responses ORDER BY id DESC LIMIT ${rows.length * INDEX_ENTRIES_PER_TIED_ROW}) WHERE r IN (${list}) ORDER BY id DESC LIMIT ${count}`,
  );
  if (newest.length === count) return pick(newest);
  return pick(db.all<{ r: number }>(`SELECT rowid AS r FROM responses WHERE rowid IN (${list}) ORDER BY id DESC LIMIT ${count}`));
}

function compareDescending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
