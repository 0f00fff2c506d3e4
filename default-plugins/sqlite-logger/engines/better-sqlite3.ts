import { createRequire } from 'node:module';
import { probeFacts, wrapNative } from './native.js';
import type { FileEngine } from './types.js';

/**
 * better-sqlite3, the native engine for Node versions without node:sqlite. An optional dependency
 * compiled at install time: if it was not built, loading it throws and the next engine is tried.
 */
export async function loadBetterSqlite3(): Promise<FileEngine> {
  // A CommonJS package: its exports are the default export of import().
  const Database = (await import('better-sqlite3')).default;
  // The native binding loads with the first database: this throws if it was never built.
  const facts = probeFacts(new Database(':memory:'));
  return {
    kind: 'file',
    name: 'better-sqlite3',
    workerModule: createRequire(import.meta.url).resolve('better-sqlite3'),
    sqliteVersion: facts.version,
    hasFts5: facts.fts5,
    open(path, { busyTimeoutMs }) {
      return wrapNative(new Database(path, { timeout: busyTimeoutMs }));
    },
  };
}
