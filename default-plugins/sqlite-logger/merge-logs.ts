import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { LlmError, type LogStore } from 'llm-host';
import type { SqliteDatabase, SqliteEngine } from './engines/types.js';
import { BUSY_TIMEOUT_MS, classify } from './log-file.js';
import { mergeLog, type MergeCount } from './merge.js';

/**
 * `llm logs merge`: copies every row the target log lacks from each source log, all in one write
 * transaction of the target (all or nothing). The sources are only read, never migrated or changed.
 */
export async function mergeLogs(target: LogStore, sources: readonly string[], engine: SqliteEngine): Promise<MergeCount[]> {
  if (sources.length === 0) throw new LlmError('Name the logs to merge: llm logs merge OTHER.db ...');
  const targetPath = existsSync(target.path) ? realpathSync(target.path) : resolve(target.path);
  const opened: { path: string; db: SqliteDatabase }[] = [];
  try {
    for (const source of sources) {
      const path = resolve(source);
      if (!existsSync(path)) throw new LlmError(`${path} does not exist: name a log database file to merge.`);
      if (realpathSync(path) === targetPath) throw new LlmError(`${path} is the log being merged into: name another file (or another target with -d).`);
      opened.push({ path, db: openForReading(path, engine) });
    }
    return await target.write((db) => {
      // References are checked at commit: a trace's nodes may come before their parents.
      db.run('PRAGMA defer_foreign_keys = ON');
      return opened.map((source) => mergeLog(db, source.db, source.path));
    });
  } finally {
    for (const source of opened) source.db.close();
  }
}

/** Opens a log as it is, to read it; an error naming the file if it is not a SQLite database. */
function openForReading(path: string, engine: SqliteEngine): SqliteDatabase {
  try {
    const db = engine.kind === 'file' ? engine.open(path, { busyTimeoutMs: BUSY_TIMEOUT_MS }) : engine.load(readFileSync(path));
    db.get('SELECT COUNT(*) AS [n] FROM [sqlite_master]');
    return db;
  } catch (error) {
    throw classify(path, error);
  }
}
