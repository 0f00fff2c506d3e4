import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogContext, PluginContext, Response } from 'llm';
import { selectEngine } from './engines/select.js';
import { classify, LogFileError, writeLog } from './log-file.js';
import { isLoggingOn, logPath } from './paths.js';
import { insertRecord, responseRecord } from './record.js';
import { codeOf, humanSize } from './util.js';

/**
 * The `logResponse` tap: writes a finished response to the log, unless logging is off (`llm logs
 * off`) and not forced (`--log`). A log that cannot be written (corrupt, read-only, locked, an
 * FTS5 index on sql.js) is a warning naming the file; the file is left as it was, and the answer
 * has already been printed.
 */
export async function logResponse(response: Response, log: LogContext, context: PluginContext): Promise<void> {
  if (!log.force && !isLoggingOn(context.userDir)) return;
  const path = logPath(context.userDir, log.database);
  const record = await responseRecord(response);
  const engine = await selectEngine(context.env);
  try {
    // The user directory is ours to create (a fresh machine); a -d path's directory is not.
    if (!log.database) mkdirSync(context.userDir, { recursive: true });
    await writeLog(path, engine, (db) => insertRecord(db, record));
  } catch (error) {
    const problem = error instanceof LogFileError ? error : codeOf(error) ? classify(path, error) : undefined;
    if (!problem) throw error;
    context.warn(`this response was not logged: ${problem.message}`);
    return;
  }
  if (engine.kind === 'image') hintIfLarge(path, context);
}

/** From this size on, sql.js's whole-file rewrite is slow enough to be worth a word (~0.3 s). */
export const LARGE_LOG_BYTES = 16 * 1024 * 1024;

/** Tells the user once (per user directory) that a native engine would keep logging fast. */
function hintIfLarge(path: string, context: PluginContext): void {
  const marker = join(context.userDir, '.sqlite-logger-large-log-hint');
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return;
  }
  if (size < LARGE_LOG_BYTES || existsSync(marker)) return;
  context.warn(
    `${path} is ${humanSize(size)}, and the sql.js SQLite engine reads and rewrites all of it for every response it logs, ` +
      'so logging gets slower as the log grows. For a native engine whose cost stays flat, use Node.js 22.13 or later (node:sqlite), ' +
      "or build better-sqlite3 (npm rebuild better-sqlite3 where llm is installed). 'llm logs status' shows the engine. This hint is shown once.",
  );
  try {
    mkdirSync(context.userDir, { recursive: true });
    writeFileSync(marker, `${new Date().toISOString()} ${path}\n`);
  } catch {
    // Shown again next time: better than failing.
  }
}
