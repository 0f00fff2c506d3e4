import { LlmError, type Llm, type SqlDatabase } from 'llm-host';

/**
 * The page cache a read runs with, in KiB. `show` and `compare` read every run of an experiment
 * once, a few pages per run: with SQLite's default cache (2 MB on node:sqlite, 16 MB on
 * better-sqlite3) every page read takes a fresh buffer from a growing heap, and its page faults
 * cost more than the read itself (half the time of their query at 10,000 runs, measured), while a
 * small cache reuses its buffers. Mapping the file instead (mmap) saved less and cost its unmapping
 * at close. Only this connection; in-memory engines (sql.js) hold every page anyway.
 */
const CACHE_KIB = 256;

/**
 * Reads the log for the experiments commands. No log file yet: an empty answer for `list`
 * (`missing: 'empty'`), else an error that says so. A log without the experiments' tables is
 * migrated in memory (sql.js) or on the file (native engines), as every reader of the log does.
 */
export async function readExperiments<T>(
  llm: Llm,
  database: string | undefined,
  work: (db: SqlDatabase) => T,
  options: { missing?: 'error' | 'empty' } = {},
): Promise<T | undefined> {
  const store = await llm.logStore(database);
  const result = await store.read((db) => {
    db.exec(`PRAGMA cache_size = ${-CACHE_KIB}`);
    return work(db);
  });
  if (result === undefined && options.missing !== 'empty') {
    throw new LlmError(`No experiments logged yet (there is no log at ${store.path}): run one with 'llm experiments run FILE'.`);
  }
  return result;
}
