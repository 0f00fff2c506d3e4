import { LlmError, type Llm, type SqlDatabase } from 'llm-host';

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
  const result = await store.read(work);
  if (result === undefined && options.missing !== 'empty') {
    throw new LlmError(`No experiments logged yet (there is no log at ${store.path}): run one with 'llm experiments run FILE'.`);
  }
  return result;
}
