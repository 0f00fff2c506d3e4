import type { SqlStatement } from 'llm-host';

/** One statement of a write, with its positional parameters. */
export type Statement = SqlStatement;

/** What the worker is asked to do: run `statements` in one write transaction on the log at `path`. */
export interface WriteRequest {
  readonly id: number;
  readonly path: string;
  readonly busyTimeoutMs: number;
  /** Migrations the log must have (by name); if one is missing, nothing is written and the answer is `migrate`. */
  readonly migrations: readonly string[];
  /** Each distinct SQL text once (an experiment's batch repeats a few statements many times)... */
  readonly sql: readonly string[];
  /** ...and the statements, as an index into `sql` and the parameters. */
  readonly statements: readonly (readonly [sql: number, params: Statement[1]])[];
}

/** The worker's answer to a WriteRequest. */
export type WriteReply =
  | { readonly id: number; readonly outcome: 'written' }
  | { readonly id: number; readonly outcome: 'migrate' }
  | { readonly id: number; readonly outcome: 'failed'; readonly error: { readonly message: string; readonly code?: string | undefined } };

/** How the worker loads its engine. */
export interface LogWorkerData {
  readonly engine: 'better-sqlite3' | 'node:sqlite';
  /** What to require: better-sqlite3's resolved path, or `node:sqlite`. */
  readonly module: string;
  /** Connections idle this long are closed (the next write reopens the file). */
  readonly idleMs: number;
}

/** The worker's end of the message channel. */
export interface WorkerPort {
  on(event: 'message', listener: (request: WriteRequest) => void): void;
  postMessage(reply: WriteReply): void;
}

/**
 * The log writer's worker thread: runs batches of statements against a native SQLite engine,
 * each batch in one `BEGIN IMMEDIATE` transaction (SQLite's locking, journal and fsyncs exactly
 * as on the main thread: same settings, same durability), keeping one connection per file open
 * between batches.
 *
 * This function runs in the worker from its source text (see BackgroundWriter), so it may use
 * only its parameters and JavaScript's globals: no imports, nothing else from this file.
 */
export function logWorker(load: (id: string) => unknown, port: WorkerPort, data: LogWorkerData): void {
  type Database = { exec(sql: string): void; prepare(sql: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] }; close(): void };
  interface Connection {
    readonly db: Database;
    readonly statements: Map<string, ReturnType<Database['prepare']>>;
    /** The file the connection has open. */
    readonly dev: number;
    readonly ino: number;
    /** The log's migrations were found applied. */
    migrated: boolean;
  }
  const { statSync } = load('node:fs') as { statSync(path: string, options: { throwIfNoEntry: false }): { dev: number; ino: number } | undefined };

  const openDatabase = ((): ((path: string, busyTimeoutMs: number) => Database) => {
    if (data.engine === 'node:sqlite') {
      // Without the ExperimentalWarning some Node versions print for node:sqlite (as on the main thread).
      const emitWarning = process.emitWarning;
      process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
        const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
        if (type === 'ExperimentalWarning' && /sqlite/i.test(String(warning))) return;
        return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
      } as typeof process.emitWarning;
      let DatabaseSync: new (path: string) => Database;
      try {
        DatabaseSync = (load(data.module) as { DatabaseSync: new (path: string) => Database }).DatabaseSync;
      } finally {
        process.emitWarning = emitWarning;
      }
      return (path, busyTimeoutMs) => {
        const db = new DatabaseSync(path);
        db.exec(`PRAGMA busy_timeout = ${Math.round(busyTimeoutMs)}`);
        return db;
      };
    }
    const BetterSqlite3 = load(data.module) as new (path: string, options: { timeout: number }) => Database;
    return (path, busyTimeoutMs) => new BetterSqlite3(path, { timeout: busyTimeoutMs });
  })();

  const connections = new Map<string, Connection>();

  const connect = (path: string, busyTimeoutMs: number): Connection => {
    const db = openDatabase(path, busyTimeoutMs);
    try {
      db.exec('PRAGMA foreign_keys = ON');
      const stat = statSync(path, { throwIfNoEntry: false });
      const connection: Connection = { db, statements: new Map(), dev: stat?.dev ?? -1, ino: stat?.ino ?? -1, migrated: false };
      connections.set(path, connection);
      return connection;
    } catch (error) {
      db.close();
      throw error;
    }
  };
  const disconnect = (path: string): void => {
    const connection = connections.get(path);
    connections.delete(path);
    try {
      connection?.db.close();
    } catch {
      // Closing is all that is left to do; the next write opens the file afresh.
    }
  };
  const prepare = (connection: Connection, sql: string) => {
    let statement = connection.statements.get(sql);
    if (!statement) connection.statements.set(sql, (statement = connection.db.prepare(sql)));
    return statement;
  };
  const rollback = (connection: Connection): void => {
    try {
      connection.db.exec('ROLLBACK');
    } catch {
      // The transaction never started, or SQLite already rolled it back.
    }
  };

  const write = (request: WriteRequest): WriteReply => {
    let connection = connections.get(request.path);
    try {
      connection ??= connect(request.path, request.busyTimeoutMs);
      connection.db.exec('BEGIN IMMEDIATE');
      // Holding the write lock, check that the file at the path is still the one this connection
      // has open: a log moved aside, deleted or replaced meanwhile is not written to, the file now
      // there is (created if missing), as a fresh open would.
      const now = statSync(request.path, { throwIfNoEntry: false });
      if (!now || now.dev !== connection.dev || now.ino !== connection.ino) {
        rollback(connection);
        disconnect(request.path);
        connection = connect(request.path, request.busyTimeoutMs);
        connection.db.exec('BEGIN IMMEDIATE');
      }
      if (!connection.migrated) {
        const hasTable = prepare(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_llm_migrations'").all().length > 0;
        const applied = new Set(hasTable ? prepare(connection, 'SELECT name FROM [_llm_migrations]').all().map((row) => (row as { name: string }).name) : []);
        if (!request.migrations.every((name) => applied.has(name))) {
          // Migrations are functions: the main thread applies them (and writes this batch).
          rollback(connection);
          return { id: request.id, outcome: 'migrate' };
        }
        connection.migrated = true;
      }
      for (const [sql, params] of request.statements) prepare(connection, request.sql[sql]!).run(...params);
      connection.db.exec('COMMIT');
      return { id: request.id, outcome: 'written' };
    } catch (error) {
      if (connection) rollback(connection);
      disconnect(request.path);
      const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
      return { id: request.id, outcome: 'failed', error: { message: typeof message === 'string' ? message : String(error), code: typeof code === 'string' ? code : undefined } };
    }
  };

  let idle: ReturnType<typeof setTimeout> | undefined;
  port.on('message', (request) => {
    clearTimeout(idle);
    port.postMessage(write(request));
    // A connection left open would keep the file open (on Windows, undeletable) while the process
    // goes on doing other things.
    idle = setTimeout(() => [...connections.keys()].forEach(disconnect), data.idleMs);
  });
}
