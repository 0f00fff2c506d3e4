import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LlmError } from 'llm-host';
import { removeLeftoverTemps, writeFileAtomicSync } from './atomic-write.js';
import type { FileEngine, ImageEngine, SqliteDatabase, SqliteEngine } from './engines/types.js';
import { acquireFileLock, LockTimeoutError } from './file-lock.js';
import { hasTable, migrate, pendingMigrations, type Migration, type MigrationSet } from './migrations.js';
import { codeOf, messageOf } from './util.js';

/** Why a log file could not be used. */
export type LogFileProblem = 'missing' | 'corrupt' | 'unwritable' | 'locked' | 'fts5' | 'journal' | 'other';

/** A log file that cannot be read or written; the message names the file and says what to do. */
export class LogFileError extends LlmError {
  constructor(
    readonly path: string,
    readonly problem: LogFileProblem,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/** What a reader learns about the open log besides the database itself. */
export interface LogInfo {
  readonly engine: SqliteEngine;
  /** Whether `-q` can use the `responses_fts` FTS5 index (else it finds and ranks the same rows in JavaScript). */
  readonly fullTextSearch: boolean;
}

/** How long a native engine waits for another process's write to finish. */
export const BUSY_TIMEOUT_MS = 15_000;

/** How long to wait for other processes. */
export interface LogFileOptions {
  /** Native engines: SQLite's busy timeout (default 15 s). */
  readonly busyTimeoutMs?: number;
  /** sql.js: how long to wait for the lock file (default 30 s). */
  readonly lockTimeoutMs?: number;
  /** Other plugins' migrations (`registerLogMigrations`), applied after the log's own. */
  readonly migrations?: readonly Migration[];
  /** Another database than the log: only `migrations` apply, recorded under this set. */
  readonly migrationSet?: MigrationSet | undefined;
  /** sql.js: told when a write replaced a file that had other hard links (they keep the old log). */
  readonly warn?: (message: string) => void;
}

/**
 * Runs `work` in one write transaction on the log at `path` (created if missing), after applying
 * any pending migrations in the same transaction. Native engines write only the pages that change,
 * under SQLite's own locking. sql.js loads the whole file, and writes it back whole (temp file,
 * fsync, rename), all under a lock file that spans load, change and write. A file that cannot be
 * read as a database is never written.
 */
export async function writeLog<T>(path: string, engine: SqliteEngine, work: (db: SqliteDatabase) => T, options: LogFileOptions = {}): Promise<T> {
  return engine.kind === 'file' ? writeInPlace(path, engine, work, options) : writeWhole(path, engine, work, options);
}

/**
 * Runs `work` against the log at `path`, which must exist. sql.js works on a copy in memory
 * (migrated there if needed) and never writes the file. Native engines apply pending migrations
 * to the file first, as the Python llm does when it reads its log.
 */
export async function readLog<T>(path: string, engine: SqliteEngine, work: (db: SqliteDatabase, info: LogInfo) => T, options: LogFileOptions = {}): Promise<T> {
  if (!existsSync(path)) throw new LogFileError(path, 'missing', `No log database found at ${path}`);
  let db: SqliteDatabase;
  try {
    if (engine.kind === 'file') {
      db = engine.open(path, { busyTimeoutMs: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
    } else {
      db = engine.load(readFileSync(path));
    }
  } catch (error) {
    throw classify(path, error);
  }
  try {
    if (pendingMigrations(db, engine.hasFts5, options.migrations, options.migrationSet).length > 0) {
      transaction(db, engine.kind === 'file' ? 'BEGIN IMMEDIATE' : 'BEGIN', () => migrate(db, engine.hasFts5, options.migrations, options.migrationSet));
    }
    return work(db, { engine, fullTextSearch: !options.migrationSet && engine.hasFts5 && hasTable(db, 'responses_fts') });
  } catch (error) {
    // The caller's own errors (an empty search, no conversations) pass through as they are.
    throw error instanceof LlmError ? error : classify(path, error);
  } finally {
    db.close();
  }
}

/** Connections opened ahead of a write (`openAhead`), by log path, until a write takes them. */
const openedAhead = new Map<string, { engine: FileEngine; busyTimeoutMs: number; db: SqliteDatabase }>();

/**
 * Opens the log at `path` now and reads which migrations it has (SQLite reads and parses the
 * schema with a connection's first statement), for the write that will follow, which then only
 * runs its transaction (`logResponse` after a streamed reply's last chunk). `statements`, the
 * write's likely statements, are prepared too: preparing an insert into `responses` compiles its
 * full-text index triggers (~0.5 ms of the write, measured). No transaction and no lock is held
 * meanwhile; the write still checks the migrations inside its own transaction. Where the log does
 * not exist yet, or cannot be opened, nothing happens here: the write reports it. A statement
 * that does not prepare yet (its migration is pending) is left for the write.
 */
export function openAhead(path: string, engine: FileEngine, statements: readonly string[] = []): void {
  if (openedAhead.has(path) || !existsSync(path)) return;
  const busyTimeoutMs = BUSY_TIMEOUT_MS;
  let db: SqliteDatabase | undefined;
  try {
    db = engine.open(path, { busyTimeoutMs });
    pendingMigrations(db, engine.hasFts5);
    openedAhead.set(path, { engine, busyTimeoutMs, db });
  } catch {
    db?.close();
    return;
  }
  for (const sql of statements) {
    try {
      db.prepare?.(sql);
    } catch {
      // Prepared by the write, after its migrations.
    }
  }
}

/** The connection `openAhead` opened for this write, or a new one. */
function connectionFor(path: string, engine: FileEngine, busyTimeoutMs: number): SqliteDatabase {
  const ahead = openedAhead.get(path);
  if (ahead) {
    openedAhead.delete(path);
    if (ahead.engine === engine && ahead.busyTimeoutMs === busyTimeoutMs) return ahead.db;
    ahead.db.close();
  }
  return engine.open(path, { busyTimeoutMs });
}

function writeInPlace<T>(path: string, engine: FileEngine, work: (db: SqliteDatabase) => T, options: LogFileOptions): T {
  let db: SqliteDatabase;
  try {
    db = connectionFor(path, engine, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
  } catch (error) {
    throw classify(path, error);
  }
  try {
    // IMMEDIATE takes the write lock up front, so migrations are checked and applied by one
    // process at a time and a reader never has to upgrade to a writer (which could deadlock).
    return transaction(db, 'BEGIN IMMEDIATE', () => {
      migrate(db, engine.hasFts5, options.migrations, options.migrationSet);
      return work(db);
    });
  } catch (error) {
    throw error instanceof LlmError ? error : classify(path, error);
  } finally {
    db.close();
  }
}

async function writeWhole<T>(path: string, engine: ImageEngine, work: (db: SqliteDatabase) => T, options: LogFileOptions): Promise<T> {
  // A log reached through a symlink (kept in a synced folder, say): lock and replace the file it
  // points to, not the link.
  const file = existsSync(path) ? realpathSync(path) : path;
  let lock;
  try {
    lock = await acquireFileLock(`${file}.lock`, { timeoutMs: options.lockTimeoutMs ?? 30_000 });
  } catch (error) {
    throw classify(path, error);
  }
  try {
    refuseNativeJournal(file);
    removeLeftoverTemps(file);
    let bytes: Uint8Array | undefined;
    try {
      bytes = existsSync(file) ? readFileSync(file) : undefined;
    } catch (error) {
      throw classify(path, error);
    }
    const db = engine.load(bytes);
    try {
      let result: T;
      try {
        result = transaction(db, 'BEGIN', () => {
          migrate(db, engine.hasFts5, options.migrations, options.migrationSet);
          return work(db);
        });
      } catch (error) {
        throw error instanceof LlmError ? error : classify(path, error);
      }
      const links = bytes === undefined ? 1 : hardLinks(file);
      try {
        writeFileAtomicSync(file, db.export());
      } catch (error) {
        throw classify(path, error);
      }
      if (links > 1) options.warn?.(hardLinkWarning(file, links));
      return result;
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
}

/** How many names the file has (1 when it cannot be told). */
export function hardLinks(path: string): number {
  try {
    return statSync(path).nlink;
  } catch {
    return 1;
  }
}

/**
 * What a sql.js write did to a file with other hard links: it replaced the file (a new inode), so
 * those links keep the log as it was and receive no more rows. Native engines write in place.
 */
export function hardLinkWarning(path: string, links: number): string {
  return (
    `${path} had ${links - 1} other hard link${links > 2 ? 's' : ''}; the sql.js engine writes the log by replacing the file, so ${links > 2 ? 'they keep' : 'it keeps'} ` +
    'the log as it was and will not receive this response or later ones. Use a symbolic link instead (ln -s), or a native engine, which writes in place: ' +
    'Node.js 22.13 or later (node:sqlite), or better-sqlite3.'
  );
}

function transaction<T>(db: SqliteDatabase, begin: string, work: () => T): T {
  db.exec(begin);
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // The transaction never started, or SQLite already rolled it back.
    }
    throw error;
  }
}

/**
 * sql.js cannot see a native SQLite's journal: a hot journal (a native writer crashed, or is
 * writing right now) means the file alone is not the database. Writing a new file then would let
 * the next native open roll that journal back over it.
 */
function refuseNativeJournal(path: string): void {
  for (const suffix of ['-journal', '-wal']) {
    const journal = `${path}${suffix}`;
    let size = 0;
    try {
      size = statSync(journal).size;
    } catch {
      continue;
    }
    if (size > 0) {
      throw new LogFileError(
        path,
        'journal',
        `${path} has a SQLite journal (${journal}) from a native SQLite writer that is busy or crashed; the sql.js engine cannot apply it. Open the log once with a native engine (Node.js 22.13+ or better-sqlite3), or with the sqlite3 tool, to recover it.`,
      );
    }
  }
}

/** Turns an engine or file-system error into a LogFileError that names the file and the fix. */
export function classify(path: string, error: unknown): LogFileError {
  if (error instanceof LogFileError) return error;
  const message = messageOf(error);
  const code = codeOf(error) ?? '';
  if (error instanceof LockTimeoutError) {
    return new LogFileError(
      path,
      'locked',
      `${path} stayed locked by ${error.owner ? `process ${error.owner.pid} on ${error.owner.host}` : 'another process'}; if no llm is running, delete ${error.path}`,
      error,
    );
  }
  if (/no such module: fts5/i.test(message)) {
    return new LogFileError(
      path,
      'fts5',
      `${path} has a full-text search index (FTS5) that the sql.js engine cannot update. Use a native engine for this log: Node.js 22.13 or later (node:sqlite), or build better-sqlite3 (npm rebuild better-sqlite3 where llm is installed)`,
      error,
    );
  }
  if (/file is not a database|malformed|SQLITE_NOTADB|SQLITE_CORRUPT/i.test(`${message} ${code}`)) {
    return new LogFileError(path, 'corrupt', `${path} is not a readable SQLite database (${message}); it was left as it is: move it aside to start a new log`, error);
  }
  if (/^(EACCES|EPERM|EROFS|ENOENT|ENOTDIR)$/.test(code) || /readonly|read-only|unable to open database file|SQLITE_(READONLY|CANTOPEN)/i.test(`${message} ${code}`)) {
    const dir = dirname(path);
    const why = existsSync(dir) ? 'check that it and its directory are writable' : `the directory ${dir} does not exist`;
    return new LogFileError(path, 'unwritable', `cannot write ${path} (${message}): ${why}`, error);
  }
  if (/database is locked|SQLITE_BUSY/i.test(`${message} ${code}`)) {
    return new LogFileError(path, 'locked', `${path} stayed locked by another process (${message})`, error);
  }
  return new LogFileError(path, 'other', `${path}: ${message}`, error);
}
