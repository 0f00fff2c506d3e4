import { probeFacts, wrapNative, type NativeDatabase } from './native.js';
import type { FileEngine } from './types.js';

type DatabaseSyncClass = new (path: string) => NativeDatabase;

/**
 * node:sqlite, the engine built into Node 22.13+ (22.5+ behind a flag). Detected, never assumed:
 * on a Node without it the import throws and the next engine is tried.
 */
export async function loadNodeSqlite(): Promise<FileEngine> {
  const { DatabaseSync } = (await importQuietly('node:sqlite')) as { DatabaseSync: DatabaseSyncClass };
  const facts = probeFacts(new DatabaseSync(':memory:'));
  return {
    kind: 'file',
    name: 'node:sqlite',
    workerModule: 'node:sqlite',
    sqliteVersion: facts.version,
    hasFts5: facts.fts5,
    open(path, { busyTimeoutMs }) {
      const db = new DatabaseSync(path);
      db.exec(`PRAGMA busy_timeout = ${Math.round(busyTimeoutMs)}`);
      return wrapNative(db);
    },
  };
}

/**
 * Imports a built-in module without the ExperimentalWarning some Node versions print for
 * node:sqlite: the user asked for an answer, not for news about Node's SQLite module. The
 * specifier is a variable so TypeScript (whose Node 20 types lack node:sqlite) leaves it alone.
 */
async function importQuietly(specifier: string): Promise<unknown> {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && /sqlite/i.test(String(warning))) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await import(specifier);
  } finally {
    process.emitWarning = emitWarning;
  }
}
