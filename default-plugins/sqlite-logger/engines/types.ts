/** The SQLite engines the logger can run on, fastest first. */
export const ENGINE_NAMES = ['node:sqlite', 'better-sqlite3', 'sql.js'] as const;

/** One of the SQLite engines. */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** A value SQLite stores or returns. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** A result row, by column name. */
export type Row = Record<string, SqlValue>;

/**
 * An open database, the same on every engine: positional `?` parameters, rows as objects.
 * Statements run synchronously (every engine here is synchronous).
 */
export interface SqliteDatabase {
  /** Runs one or more statements without parameters or results (DDL, BEGIN, COMMIT). */
  exec(sql: string): void;
  /** Runs one statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): number;
  /** Every row a query returns. */
  all<T extends object = Row>(sql: string, params?: readonly SqlValue[]): T[];
  /** The first row a query returns, if any. */
  get<T extends object = Row>(sql: string, params?: readonly SqlValue[]): T | undefined;
  /** Closes the database; it cannot be used after. */
  close(): void;
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
