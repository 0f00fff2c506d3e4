import { LlmError, type Llm, type SqlDatabase } from 'llm-host';
import { withPageCache } from '../../../src/util/page-cache.js';

/**
 * How much of the log a read maps into memory. A report and `show --json` read every run whole,
 * with queries that come back to the same pages: mapped, a page costs a memory access instead of
 * a read() call and a copy into SQLite's cache. Only this connection; in-memory engines (sql.js)
 * ignore it.
 */
const MMAP_BYTES = 256 * 1024 * 1024;

/**
 * The page cache of a read that goes over each page once (`pages: 'once'`), in KiB. `show` and
 * `compare` aggregate every run of an experiment in one pass, a few pages per run: a small cache
 * reuses its buffers where a large one, or a mapping, takes a page fault per page (their query at
 * 10,000 runs: 40 ms mapped, 31 ms with this cache, measured), and there is no unmapping at close.
 */
const ONCE_CACHE_KIB = 256;

/**
 * Reads the log for the experiments commands. No log file yet: an empty answer for `list`
 * (`missing: 'empty'`), else an error that says so. A log without the experiments' tables is
 * migrated in memory (sql.js) or on the file (native engines), as every reader of the log does.
 * `pages: 'once'` is for a read that goes over each page once (see ONCE_CACHE_KIB); the default
 * maps the file.
 */
export async function readExperiments<T>(
  llm: Llm,
  database: string | undefined,
  work: (db: SqlDatabase) => T,
  options: { missing?: 'error' | 'empty'; pages?: 'once' } = {},
): Promise<T | undefined> {
  const store = await llm.logStore(database);
  const result = await store.read((db) => {
    if (options.pages === 'once') return withPageCache(db, ONCE_CACHE_KIB, () => work(db));
    db.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
    return work(db);
  });
  if (result === undefined && options.missing !== 'empty') {
    throw new LlmError(`No experiments logged yet (there is no log at ${store.path}): run one with 'llm experiments run FILE'.`);
  }
  return result;
}
