import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LlmError, UsageError, type Llm } from 'llm-host';
import { loadChartLibraries } from '../report/assets.js';
import { reportData } from '../report/data.js';
import { renderReport } from '../report/html.js';
import type { ComparisonOptions } from './compare.js';
import { findExperiment, loadExperiment, promptTemplate } from './queries.js';
import { readExperiments } from './read-log.js';

/** What `llm experiments report` writes and how. */
export interface WriteReportOptions extends ComparisonOptions {
  /** The HTML file to write. */
  readonly output: string;
  /** Another log than logs.db in the user directory. */
  readonly database?: string | undefined;
  /** Open the file in the browser once written. */
  readonly open?: boolean;
}

/**
 * Writes the HTML report of logged experiments (the first is the baseline) to one file,
 * atomically (a temp file beside it, fsync, rename), and opens it when asked. Returns its path.
 */
export async function writeReport(llm: Llm, references: readonly string[], options: WriteReportOptions): Promise<string> {
  const path = resolve(options.output);
  await checkWritable(path);
  const data = (await readExperiments(llm, options.database, (db) =>
    reportData(
      references.map((reference) => loadExperiment(db, findExperiment(db, reference))),
      (name, hash) => promptTemplate(db, name, hash),
      options,
    ),
  ))!;
  const page = renderReport(data, await loadChartLibraries());
  const { default: writeFileAtomic } = await import('write-file-atomic');
  try {
    await writeFileAtomic(path, page, { fsync: true });
  } catch (error) {
    throw cannotWrite(path, error);
  }
  if (options.open) await openInBrowser(path);
  return path;
}

/**
 * Opens a file in the browser with the `open` package: the system's default, or the command the
 * BROWSER environment variable names (as Python's webbrowser module and git do).
 */
export async function openInBrowser(path: string): Promise<void> {
  const { default: open } = await import('open');
  const browser = process.env.BROWSER?.trim();
  try {
    await open(path, browser ? { app: { name: browser } } : {});
  } catch (error) {
    throw new LlmError(`Wrote ${path} but could not open it${browser ? ` with BROWSER=${browser}` : ''}: ${(error as Error).message.split('\n')[0]}. Open the file yourself.`);
  }
}

/** Fails with a one-line error, before any work, when the report cannot be written at `path`. */
async function checkWritable(path: string): Promise<void> {
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory()) throw new UsageError(`-o ${path} is a folder: give a file name, e.g. -o ${join(path, 'report.html')}.`);
  const folder = await stat(dirname(path)).catch((error: NodeJS.ErrnoException) => error);
  if (folder instanceof Error) throw cannotWrite(path, folder);
  if (!folder.isDirectory()) throw new UsageError(`Cannot write the report to ${path}: ${dirname(path)} is not a folder. Give another -o path.`);
}

function cannotWrite(path: string, error: unknown): LlmError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? `the folder ${dirname(path)} does not exist (create it, or give another -o path)`
      : code === 'ENOTDIR'
        ? `${dirname(path)} is not a folder (give another -o path)`
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? `permission denied (give a path you can write with -o)`
          : `${(error as Error).message.split('\n')[0]} (give another -o path)`;
  return new UsageError(`Cannot write the report to ${path}: ${why}.`);
}
