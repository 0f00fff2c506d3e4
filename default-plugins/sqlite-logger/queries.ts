import { LlmError, PERSON_ORIGINS } from 'llm-host';
import type { SqliteDatabase, SqlValue } from './engines/types.js';
import type { LogInfo } from './log-file.js';
import { withLegacyLinked } from './legacy-extras.js';
import type { LogExtras } from './log-extras.js';
import { bestMatchesWithFts } from './fts-best-matches.js';
import { ftsQuery, searchTerms } from './search.js';
import { RESPONSES_CORPUS, searchWithoutFts } from './search-without-fts.js';
import { hasMessageStore } from './threads/message-store.js';
import { listTurns, mergeGenerations, newestOfGenerations, threadExists } from './threads/turn-rows.js';
import { toolInfoByResponse } from './tool-queries.js';

/** One logged response as `llm logs` shows it: the Python llm's LOGS_COLUMNS. */
export interface LogRow {
  id: string;
  model: string | null;
  resolved_model: string | null;
  prompt: string | null;
  system: string | null;
  prompt_json: string | null;
  options_json: string | null;
  response: string | null;
  response_json: string | null;
  conversation_id: string | null;
  duration_ms: number | null;
  datetime_utc: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  token_details: string | null;
  conversation_name: string | null;
  conversation_model: string | null;
  schema_json: string | null;
}

const COLUMNS = `responses.id, responses.model, responses.resolved_model, responses.prompt, responses.system,
  responses.prompt_json, responses.options_json, responses.response, responses.response_json,
  responses.conversation_id, responses.duration_ms, responses.datetime_utc,
  responses.input_tokens, responses.output_tokens, responses.token_details,
  conversations.name AS conversation_name, conversations.model AS conversation_model,
  schemas.content AS schema_json`;

const FROM = `responses
  LEFT JOIN schemas ON responses.schema_id = schemas.id
  LEFT JOIN conversations ON responses.conversation_id = conversations.id`;

/** What to list. */
export interface LogQuery {
  /** How many (default 3, or all of a conversation); 0 for all. */
  readonly count?: number | undefined;
  /** Only this model's responses (its id: resolve aliases first). */
  readonly model?: string | undefined;
  /** Full-text search (FTS5 when the log has the index, else the same matching and ranking in JavaScript). */
  readonly search?: string | undefined;
  /** Only this conversation. */
  readonly conversationId?: string | undefined;
  /** Only the newest conversation a person had (see `newestConversationId`). */
  readonly current?: boolean | undefined;
  /** With `search`: the newest matches (by id) rather than the best ranked (`-l/--latest`, as the Python llm). */
  readonly latest?: boolean | undefined;
}

/**
 * The conversation `-c` means (`llm -c`, `llm chat -c`, `llm logs -c`): the conversation of the
 * newest response a person had, from `llm prompt`, `llm chat` or the library, or logged by the
 * Python llm (no origin recorded), or a Python llm 0.32 thread if its newest turn is newer. Never
 * one made inside an experiment, a metric, an LLM function or another traced call (see
 * `conversation_origins`). The one place that decides it.
 */
export function newestConversationId(db: SqliteDatabase): string | undefined {
  const person = PERSON_ORIGINS.map(() => '?').join(', ');
  const legacy = db.get<{ id: string; conversation_id: string | null }>(
    `SELECT responses.id, responses.conversation_id FROM responses
       LEFT JOIN conversation_origins ON conversation_origins.conversation_id = responses.conversation_id
      WHERE responses.conversation_id IS NOT NULL AND (conversation_origins.origin IS NULL OR conversation_origins.origin IN (${person}))
      ORDER BY responses.id DESC LIMIT 1`,
    [...PERSON_ORIGINS],
  );
  return newestOfGenerations(db, legacy);
}

/** Whether the log has a conversation with this id (a row in conversations, responses in it, or a 0.32 thread). */
export function conversationExists(db: SqliteDatabase, id: string): boolean {
  return (
    db.get('SELECT 1 AS found FROM conversations WHERE id = ?', [id]) !== undefined ||
    db.get('SELECT 1 AS found FROM responses WHERE conversation_id = ? LIMIT 1', [id]) !== undefined ||
    threadExists(db, id)
  );
}

/**
 * Responses in display order: oldest of the selection first, so the newest ends up next to the
 * prompt. The selection is the newest N (ordered by id: ULIDs sort by time, and the primary key
 * index serves it), or for a search the N best matches, shown best last (with `latest`, the N
 * newest matches).
 */
export function listResponses(db: SqliteDatabase, info: LogInfo, query: LogQuery): (LogRow & LogExtras)[] {
  let conversationId = query.conversationId;
  if (conversationId !== undefined && !conversationExists(db, conversationId)) {
    throw new LlmError(`No conversation found with id '${conversationId}' in the log. Run 'llm logs list' to see conversation ids.`);
  }
  if (query.current && !conversationId) {
    conversationId = newestConversationId(db);
    if (!conversationId) throw new LlmError('No conversations found: the log is empty.');
  }
  const count = query.count ?? (conversationId ? 0 : 3);
  const terms = query.search === undefined ? undefined : searchTerms(query.search);
  if (terms?.length === 0) throw new LlmError('Nothing to search for: give -q some words.');
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (query.model) {
    where.push('responses.model = ?');
    params.push(query.model);
  }
  if (conversationId) {
    where.push('responses.conversation_id = ?');
    params.push(conversationId);
  }
  // A response the Python llm 0.32 also logged as a turn (its dual-write era) is listed as the turn.
  if (hasMessageStore(db)) where.push('responses.id NOT IN (SELECT id FROM turns)');
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  // The Python llm 0.32's turns, merged in (newest or best first, as the legacy rows).
  const turns = listTurns(db, { count, model: query.model, terms, fullTextSearch: info.fullTextSearch, threadId: conversationId, latest: query.latest });
  let rows: (LogRow & { _rank?: number })[];
  if (terms && query.latest) {
    rows = newestMatches(db, info, terms, where, filter, params, count);
  } else if (terms && info.fullTextSearch && count === 0) {
    // Every match: FTS5 ranks them all anyway.
    const sql = `SELECT ${COLUMNS}, responses_fts.rank AS _rank FROM ${FROM} JOIN responses_fts ON responses_fts.rowid = responses.rowid
      WHERE ${['responses_fts MATCH ?', ...where].join(' AND ')} ORDER BY responses_fts.rank, responses.id DESC`;
    rows = db.all<LogRow & { _rank?: number }>(sql, [ftsQuery(terms), ...params]);
  } else if (terms) {
    // The best matches first, then only their rows: with FTS5 ranked in the index (see
    // fts-best-matches.ts); without it (sql.js) the same rows, ranked the same way, found in JavaScript.
    const ranked = info.fullTextSearch ? bestMatchesWithFts(db, ftsQuery(terms), where, params, count) : searchWithoutFts(db, terms, filter, params, count);
    rows = rowsOf(db, ranked);
  } else {
    rows = db.all<LogRow>(`SELECT ${COLUMNS} FROM ${FROM}${filter} ORDER BY responses.id DESC${count > 0 ? ` LIMIT ${Math.floor(count)}` : ''}`, params);
  }
  return withLegacyTools(db, mergeGenerations(rows, turns, count).reverse());
}

/**
 * `-q` with `-l`: the newest `count` matches (0: all), newest first, none ranked. With FTS5 the
 * index only says which rows match (a set SQLite builds once, no bm25), while the id index is
 * read newest first until `count` of them are found: ~10 ms at 100k matches where ranking them
 * all takes ~45. (`+` keeps SQLite from looking the rows up by that set and sorting them instead.)
 */
function newestMatches(db: SqliteDatabase, info: LogInfo, terms: readonly string[], where: readonly string[], filter: string, params: readonly SqlValue[], count: number): LogRow[] {
  const limit = count > 0 ? ` LIMIT ${Math.floor(count)}` : '';
  if (info.fullTextSearch) {
    const conditions = ['+responses.rowid IN (SELECT rowid FROM responses_fts WHERE responses_fts MATCH ?)', ...where].join(' AND ');
    return db.all<LogRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${conditions} ORDER BY responses.id DESC${limit}`, [ftsQuery(terms), ...params]);
  }
  const newest = searchWithoutFts(db, terms, filter, params, count, RESPONSES_CORPUS, 'latest');
  if (newest.length === 0) return [];
  return db.all<LogRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE responses.rowid IN (${newest.map((m) => m.rowid).join(', ')}) ORDER BY responses.id DESC`);
}

/** The rows of ranked matches, in their order, each with its rank. */
function rowsOf(db: SqliteDatabase, ranked: readonly { rowid: number; rank: number }[]): (LogRow & { _rank: number })[] {
  if (ranked.length === 0) return [];
  const sql = `SELECT responses.rowid AS r, ${COLUMNS} FROM ${FROM} WHERE responses.rowid IN (${ranked.map((m) => m.rowid).join(', ')})`;
  const byRowid = new Map(db.all<LogRow & { r: number }>(sql).map((row) => [Number(row.r), row]));
  return ranked.map(({ rowid, rank }) => {
    const { r: _r, ...row } = byRowid.get(rowid)!;
    return { ...row, _rank: rank };
  });
}

/** Row counts for `llm logs status`. */
export function countRows(db: SqliteDatabase): { conversations: number; responses: number } {
  const count = (table: string) => Number(db.get<{ n: number }>(`SELECT count(*) AS n FROM [${table}]`)?.n ?? 0);
  return { conversations: count('conversations'), responses: count('responses') };
}

/** The Python llm 0.31's tool tables, for the rows of the responses table (turns bring their own). */
function withLegacyTools<T extends LogRow>(db: SqliteDatabase, rows: T[]): T[] {
  const legacy = rows.filter((row) => (row as LogExtras).tools === undefined);
  const tools = toolInfoByResponse(db, legacy.map((row) => row.id));
  for (const row of legacy) Object.assign(row, tools.get(row.id));
  return withLegacyLinked(db, rows as (T & LogExtras)[]);
}
