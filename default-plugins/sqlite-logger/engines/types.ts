import type { SqlDatabase, SqlRow, SqlValue as LlmSqlValue } from 'llm-host';
/** The SQLite engines the logger can run on, fastest first. */
export const ENGINE_NAMES = ['node:sqlite', 'better-sqlite3', 'sql.js'] as const;

/** One of the SQLite engines. */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** A value SQLite stores or returns. */
export type SqlValue = LlmSqlValue;

/** A result row, by column name. */
export type Row = SqlRow;

/**
 * An open database, the same on every engine: the public `SqlDatabase` (positional `?`
 * parameters, rows as objects; statements run synchronously on every engine here) plus `close()`.
 */
export interface SqliteDatabase extends SqlDatabase {
  /** Closes the database; it cannot be used after. */
  close(): void;
  /**
   * Native engines: prepares `sql` now, for a later `run` of it on this connection to find
   * prepared (their statements are prepared once per connection). Throws what preparing throws
   * (a table or column the log does not have yet). Absent where nothing is prepared ahead (sql.js).
   */
  prepare?(sql: string): void;
}

/** What every engine tells about itself. */
interface EngineInfo {
  readonly name: EngineName;
  /** The SQLite library version, e.g. `3.53.2`. */
  readonly sqliteVersion: string;
  /** Whether the engine has FTS5, which the Python llm's `responses_fts` index needs. */
  readonly hasFts5: boolean;
}

/**
 * A native engine (node:sqlite, better-sqlite3): opens the file itself, reads and writes only the
 * pages it needs, and relies on SQLite's own file locking between processes.
 */
export interface FileEngine extends EngineInfo {
  readonly kind: 'file';
  /** What a worker thread requires to use the same engine (a resolved path, or a built-in's name). */
  readonly workerModule?: string;
  /** Opens (or creates) the database file; waits up to `busyTimeoutMs` for other writers. */
  open(path: string, options: { busyTimeoutMs: number }): SqliteDatabase;
}

/** An open in-memory image of a database (sql.js). */
export interface ImageDatabase extends SqliteDatabase {
  /** The whole database as the bytes of a SQLite file. */
  export(): Uint8Array;
}

/**
 * An embedded engine (sql.js, WebAssembly): works on a copy of the whole file in memory, so the
 * caller loads the file, and writes it back whole, under its own cross-process lock.
 */
export interface ImageEngine extends EngineInfo {
  readonly kind: 'image';
  /** A database from a file's bytes; none or empty: a new database. */
  load(bytes: Uint8Array | undefined): ImageDatabase;
}

/** Any engine. */
export type SqliteEngine = FileEngine | ImageEngine;
