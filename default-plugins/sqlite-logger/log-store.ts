import { existsSync, mkdirSync } from 'node:fs';
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
