import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogContext, PluginContext, Response } from 'llm-host';
import { appendLog } from './append-log.js';
import { selectEngine } from './engines/select.js';
import { classify, LogFileError, openAhead, writeLog } from './log-file.js';
import { isLoggingOn, logPath } from './paths.js';
import type { SqliteEngine } from './engines/types.js';
import { insertRecord, recordStatements, RESPONSE_STATEMENTS, responseRecord, type ResponseRecord } from './record.js';
import { codeOf, humanSize } from './util.js';
import { WriteQueue } from './write-queue.js';

/**
 * The `logResponse` tap: writes a finished response to the log, unless logging is off (`llm logs
 * off`) and not forced (`--log`). A log that cannot be written (corrupt, read-only, locked, an
 * FTS5 index on sql.js) is a warning naming the file; the file is left as it was, and the answer
 * has already been printed. Responses logged close together (`batch`, as an experiment's are) go
 * in one transaction (see WriteQueue).
 */
export async function logResponse(response: Response, log: LogContext, context: PluginContext): Promise<void> {
  if (!log.force && !isLoggingOn(context.userDir)) return;
  // Answered from the log (--cache): its row is there already, and is reused.
  if (response.cached) return;
  const path = logPath(context.userDir, log.database);
  const record = await responseRecord(response);
  const engine = await selectEngine(context.env);
  const queue = queueFor(context, engine, path, log.database === undefined);
  // Batches (an experiment's responses) are written on the log-writer thread where the engine
  // can be: its start costs a few tens of milliseconds, which a lone `llm "prompt"` would wait
  // for and a batch of responses repays many times over.
  if (log.batch) queue.background = true;
  await queue.add(record, log.batch === true);
}

/**
 * The `prepareLog` tap: loads the SQLite engine while the model answers (this module is loaded by
 * then), and opens the log file with it and prepares the inserts, so that logging after the last
 * chunk is only the write itself. (A batch's responses are written on the log-writer thread,
 * which opens its own.)
 */
export async function prepareLog(log: LogContext, context: PluginContext): Promise<void> {
  if (!log.force && !isLoggingOn(context.userDir)) return;
  const engine = await selectEngine(context.env);
  if (engine.kind === 'file' && !log.batch) openAhead(logPath(context.userDir, log.database), engine, RESPONSE_STATEMENTS);
}

/** How long a `batch` response may wait for others to share its transaction. */
export const BATCH_WINDOW_MS = 250;

/** The write queue of one log file, and whether its writes go to the log-writer thread. */
class LogQueue extends WriteQueue<ResponseRecord> {
  /** Set once a batch response arrives: from then on this log is written in the background. */
  background = false;

  constructor(engine: SqliteEngine, path: string, isDefault: boolean, context: PluginContext) {
    super((records) => writeRecords(records, engine, path, isDefault, context, this.background), BATCH_WINDOW_MS);
  }
}

const queues = new WeakMap<PluginContext, Map<string, LogQueue>>();

/** One write queue per host, engine and log file. */
function queueFor(context: PluginContext, engine: SqliteEngine, path: string, isDefault: boolean): LogQueue {
  let byPath = queues.get(context);
  if (!byPath) queues.set(context, (byPath = new Map()));
  const key = `${engine.name}\0${path}`;
  let queue = byPath.get(key);
  if (!queue) {
    queue = new LogQueue(engine, path, isDefault, context);
    byPath.set(key, queue);
  }
  return queue;
}

async function writeRecords(
  records: readonly ResponseRecord[],
  engine: SqliteEngine,
  path: string,
  isDefault: boolean,
  context: PluginContext,
  background: boolean,
): Promise<void> {
  try {
    // The user directory is ours to create (a fresh machine); a -d path's directory is not.
    if (isDefault) mkdirSync(context.userDir, { recursive: true });
    if (background) {
      await appendLog(path, engine, records.flatMap(recordStatements));
    } else {
      await writeLog(
        path,
        engine,
        (db) => {
          for (const record of records) insertRecord(db, record);
        },
        { warn: context.warn },
      );
    }
  } catch (error) {
    const problem = error instanceof LogFileError ? error : codeOf(error) ? classify(path, error) : undefined;
    if (problem) {
      context.warn(`${records.length === 1 ? 'this response was' : `${records.length} responses were`} not logged: ${problem.message}`);
      return;
    }
    // Not the file's fault (one bad record?): write the rest one by one, so only that one fails.
    if (records.length > 1) {
      const failures: unknown[] = [];
      for (const record of records) await writeRecords([record], engine, path, isDefault, context, background).catch((e: unknown) => failures.push(e));
      if (failures.length === records.length) throw failures[0];
      return;
    }
    throw error;
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
