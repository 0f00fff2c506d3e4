import { backgroundWriterFor, WorkerUnavailableError } from './background-writer.js';
import type { SqliteEngine } from './engines/types.js';
import { BUSY_TIMEOUT_MS, classify, writeLog, type LogFileOptions } from './log-file.js';
import type { Statement } from './log-worker.js';
import { MIGRATIONS } from './migrations.js';

/**
 * Runs write statements (data, not code) in one transaction on the log at `path`, as `writeLog`
 * does: created if missing, migrated first, all or nothing. A native engine runs them on the
 * process's log-writer thread, so that this thread does not wait for SQLite's statements and
 * fsyncs; the same locking, journal and durability apply there. They run here instead when the
 * engine cannot run in a worker (sql.js), when the worker is not available, and when the log
 * needs migrations first (migrations are code: this thread applies them, with these statements).
 * Errors are classified as on this thread (LogFileError names the file and the fix).
 */
export async function appendLog(path: string, engine: SqliteEngine, statements: readonly Statement[], options: LogFileOptions = {}): Promise<void> {
  const writer = engine.kind === 'file' ? backgroundWriterFor(engine) : undefined;
  if (writer && engine.kind === 'file') {
    const migrations = [...MIGRATIONS, ...(options.migrations ?? [])].filter((m) => engine.hasFts5 || !m.needsFts5).map((m) => m.name);
    try {
      if ((await writer.write(path, statements, migrations, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS)) === 'written') return;
    } catch (error) {
      if (!(error instanceof WorkerUnavailableError)) throw classify(path, error);
    }
  }
  await writeLog(
    path,
    engine,
    (db) => {
      for (const [sql, params] of statements) db.run(sql, params);
    },
    options,
  );
}
