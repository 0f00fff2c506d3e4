import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LogStore, LogStoreRequest, PluginContext } from 'llm-host';
import { appendLog } from './append-log.js';
import { selectEngine } from './engines/select.js';
import { readLog, writeLog } from './log-file.js';
import { logPath } from './paths.js';

/**
 * The `openLogStore` tap: the log database for plugins that keep their own records in it. Their
 * migrations run after the log's own; writes get the same guarantees as logged responses (one
 * transaction; on sql.js a cross-process lock and an atomic rewrite of the file). `append` runs
 * its statements on the log-writer thread where the engine can (see appendLog).
 */
export async function openLogStore(request: LogStoreRequest, context: PluginContext): Promise<LogStore> {
  if (request.file !== undefined) return openOtherStore(request, context);
  const path = logPath(context.userDir, request.database);
  const engine = await selectEngine(context.env);
  const options = { migrations: request.migrations };
  // The user directory is ours to create (a fresh machine); a -d path's directory is not.
  const ensureDir = () => {
    if (!request.database) mkdirSync(context.userDir, { recursive: true });
  };
  return {
    path,
    engine: engine.name,
    write(work) {
      ensureDir();
      return writeLog(path, engine, work, options);
    },
    append(statements) {
      ensureDir();
      return appendLog(path, engine, statements, options);
    },
    async read(work) {
      if (!existsSync(path)) return undefined;
      return readLog(path, engine, (db) => work(db), options);
    },
  };
}

/**
 * Another database than the log (`request.file`, e.g. embeddings.db): the same engines, locking and
 * atomic writes, with only the request's migrations. `append` runs on the caller's thread (the
 * log-writer thread knows only the log's migrations table).
 */
async function openOtherStore(request: LogStoreRequest, context: PluginContext): Promise<LogStore> {
  const path = resolve(request.file!);
  const engine = await selectEngine(context.env);
  const options = { migrations: request.migrations, migrationSet: request.migrationSet ? { set: request.migrationSet } : undefined };
  // Only a file in the user directory gets its directory made (a fresh machine).
  const ensureDir = () => {
    if (dirname(path) === resolve(context.userDir)) mkdirSync(context.userDir, { recursive: true });
  };
  const write: LogStore['write'] = (work) => {
    ensureDir();
    return writeLog(path, engine, work, options);
  };
  return {
    path,
    engine: engine.name,
    write,
    append: (statements) => write((db) => void statements.forEach(([sql, params]) => db.run(sql, params))),
    async read(work) {
      if (!existsSync(path)) return undefined;
      return readLog(path, engine, (db) => work(db), options);
    },
  };
}
