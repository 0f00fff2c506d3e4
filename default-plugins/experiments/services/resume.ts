import { existsSync } from 'node:fs';
import { LlmError, type Llm, type SqlDatabase } from 'llm-host';
import type { ExperimentResult } from '../library.js';
import { findExperiment } from './queries.js';
import { readExperiments } from './read-log.js';
import { runExperimentFile, type RunFileRequest, type RunOutput } from './run-file.js';

/** Whether the log holds batches of the experiment (a log from before batches has no table for them). */
function hasBatches(db: SqlDatabase, id: string): boolean {
  try {
    return db.get('SELECT 1 AS [x] FROM [experiment_batches] WHERE [experiment_id] = ? LIMIT 1', [id]) !== undefined;
  } catch {
    return false;
  }
}

/** What `llm experiments resume` was asked. */
export interface ResumeRequest extends Pick<RunFileRequest, 'concurrency' | 'timeout' | 'database' | 'logResponses' | 'json' | 'live' | 'shard' | 'cache' | 'batch'> {
  /** An experiment id, id prefix, name (its newest) or NAME~N. */
  readonly reference: string;
  /** How to batch (`--yes`, `--batch-poll`) when the experiment batched, without --batch. */
  readonly batchOptions?: import('./batch-prompts.js').BatchRequest | undefined;
}

/**
 * Continues a logged experiment from the file it was run from: the runs it logged are kept, the
 * missing ones run into the same experiment. Works whatever stopped it (Ctrl-C, a crash, kill -9).
 */
export async function resumeExperimentFile(llm: Llm, request: ResumeRequest, output: RunOutput): Promise<ExperimentResult[]> {
  const row = (await readExperiments(llm, request.database, (db) => findExperiment(db, request.reference)))!;
  if (!row.file) {
    throw new LlmError(`Experiment '${row.name}' (${row.id}) was run from code, not with 'llm experiments run': resume it from code with experiment.run({ resume: '${row.id}' }).`);
  }
  if (!existsSync(row.file)) {
    throw new LlmError(`Experiment '${row.name}' (${row.id}) was run from ${row.file}, which is gone: put the file back there to resume it.`);
  }
  // An experiment that submitted batches resumes batched: its batches in flight are reattached to.
  const batched = request.batch ?? ((await readExperiments(llm, request.database, (db) => hasBatches(db, row.id))) ? (request.batchOptions ?? { yes: false }) : undefined);
  return runExperimentFile(llm, { ...request, file: row.file, name: row.name, resume: row.id, batch: batched }, output);
}
