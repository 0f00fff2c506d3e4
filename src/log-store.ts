/**
 * The log database as other plugins see it: the sqlite-logger plugin keeps `logs.db` and answers
 * the `openLogStore` hook with a LogStore; plugins that keep their own records in the same file
 * (experiments, traces) add tables with `registerLogMigrations` and read and write through it.
 * These are types only: the core knows nothing of SQLite.
 */

/** A value SQLite stores or returns. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** One write statement with its positional parameters, as data (see LogStore.append). */
export type SqlStatement = readonly [sql: string, params: readonly SqlValue[]];

/** A result row, by column name. */
export type SqlRow = Record<string, SqlValue>;

/** An open log database, the same on every SQLite engine: positional `?` parameters, rows as objects. */
export interface SqlDatabase {
  /** Runs one or more statements without parameters or results (DDL). */
  exec(sql: string): void;
  /** Runs one statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): number;
  /** Every row a query returns. */
  all<T extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): T[];
  /** The first row a query returns, if any. */
  get<T extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): T | undefined;
  /**
   * The rows a query returns, one at a time, so that a scan of a big table (every vector of an
   * embeddings collection) never holds all of them. Finish or break the loop before the next
   * statement on this database.
   */
  iterate<T extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): IterableIterator<T>;
}

/**
 * A named change to the log's schema, applied once, in registration order after the log's own
 * migrations, and recorded in `_llm_migrations`. Give it a name no other plugin will use
 * (`experiments_001_tables`), and never change a migration once released: add another.
 */
export interface LogMigration {
  readonly name: string;
  /** Needs SQLite's FTS5 (not in sql.js): skipped, and left pending, where it is missing. */
  readonly needsFts5?: boolean;
  apply(db: SqlDatabase): void;
}

/** Access to one log database file. */
export interface LogStore {
  /** Path of the log file. */
  readonly path: string;
  /** The SQLite engine in use, e.g. `better-sqlite3` or `sql.js`. */
  readonly engine: string;
  /**
   * Runs `work` in one write transaction, after every pending migration (the file is created if
   * missing). All or nothing: if `work` throws, nothing is written. On sql.js each call rewrites
   * the whole file under a lock, so batch many rows into one call.
   */
  write<T>(work: (db: SqlDatabase) => T): Promise<T>;
  /**
   * Runs write statements given as data in one transaction, after every pending migration, with
   * the same all-or-nothing guarantee as `write`; resolves once they are committed. A native
   * engine runs them on a background thread, so that the caller's thread (an experiment's runs,
   * waiting on it for their next request) is not held up by SQLite's statements and fsyncs.
   */
  append(statements: readonly SqlStatement[]): Promise<void>;
  /** Runs `work` against the log; undefined when there is no log file yet. Never writes on sql.js. */
  read<T>(work: (db: SqlDatabase) => T): Promise<T | undefined>;
}

/** Which log to open, for `openLogStore`. */
export interface LogStoreRequest {
  /** A log file other than the default (`-d/--database`). */
  readonly database?: string | undefined;
  /** Every migration plugins registered with `registerLogMigrations`, in order. */
  readonly migrations: readonly LogMigration[];
  /**
   * Another database than the log (`embeddings.db`), opened on the same engines with the same
   * locking and atomic writes. Only `migrations` are applied to it (not the log's own), recorded as
   * `migrationSet` says. `database` is ignored.
   */
  readonly file?: string | undefined;
  /**
   * With `file`: record migrations as sqlite-migrate does, in `_sqlite_migrations(migration_set,
   * name, applied_at)` under this set name (the Python llm's `llm.embeddings`), instead of
   * `_llm_migrations`.
   */
  readonly migrationSet?: string | undefined;
}
