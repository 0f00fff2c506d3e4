import { LlmError, type Llm, type SqlDatabase } from 'llm-host';

/**
 * How much of the log a read maps into memory. `show` and `compare` read every run of an
 * experiment, a few pages per run: mapped, a page costs a memory access instead of a read() call
 * and a copy into SQLite's cache (half the time of their query at 10,000 runs). Only this
 * connection; in-memory engines (sql.js) ignore it.
 */
const MMAP_BYTES = 256 * 1024 * 1024;

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
    db.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
    return work(db);
  });
  if (result === undefined && options.missing !== 'empty') {
    throw new LlmError(`No experiments logged yet (there is no log at ${store.path}): run one with 'llm experiments run FILE'.`);
  }
  return result;
}
