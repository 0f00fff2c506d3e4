import { existsSync } from 'node:fs';
import { LlmError, type Llm } from 'llm-host';
import type { ExperimentResult } from '../library.js';
import { findExperiment } from './queries.js';
import { readExperiments } from './read-log.js';
import { runExperimentFile, type RunFileRequest, type RunOutput } from './run-file.js';

/** What `llm experiments resume` was asked. */
export interface ResumeRequest extends Pick<RunFileRequest, 'concurrency' | 'timeout' | 'database' | 'logResponses' | 'json' | 'live' | 'shard' | 'cache'> {
  /** An experiment id, id prefix, name (its newest) or NAME~N. */
  readonly reference: string;
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
  return runExperimentFile(llm, { ...request, file: row.file, name: row.name, resume: row.id }, output);
}
