import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LlmError, UsageError, type Llm } from 'llm-host';
import type { ExperimentProgress, ExperimentResult, RunRecord } from '../library.js';
import { loadExperimentFile } from './load-file.js';
import { PauseGate } from './pause-gate.js';
import type { ExperimentDetails } from './queries.js';
import { formatBaselineComparison, formatRunLine, formatSummary } from './report.js';
import type { Shard } from '../lib/shards.js';
import type { BatchRequest } from './batch-prompts.js';

/** What `llm experiments run` was asked. */
export interface RunFileRequest {
  readonly file: string;
  readonly executions?: number | undefined;
  readonly concurrency?: number | undefined;
  /** Only the experiment with this name. */
  readonly name?: string | undefined;
  /** Seconds a run may take. */
  readonly timeout?: number | undefined;
  readonly database?: string | undefined;
  /** Log the runs' responses even when logging is off. */
  readonly logResponses?: boolean | undefined;
  /** Print the summary as JSON, and nothing else, on stdout. */
  readonly json?: boolean | undefined;
  /** Show the live Ink view (stdout is a terminal and not --json). */
  readonly live: boolean;
  /** A logged experiment (id, name, NAME~N) the live view compares the runs with (`m`). */
  readonly baseline?: string | undefined;
  /** Continue the logged experiment with this id (`llm experiments resume`). */
  readonly resume?: string | undefined;
  /** Run only this slice of the runs (`--shard K/N`). */
  readonly shard?: Shard | undefined;
  /** Tells sharded runs of one file apart (`--shard-group`; default: the file's contents). */
  readonly shardGroup?: string | undefined;
  /** Answer requests from the log (`--cache`, `--cache-ttl`). */
  readonly cache?: boolean | { readonly ttlMs?: number } | undefined;
  /** Send the model calls through the Batch API (`--batch`, `--batch-poll`, `--yes`). */
  readonly batch?: BatchRequest | undefined;
}

/** Where output goes. */
export interface RunOutput {
  out(text: string): void;
  err(text: string): void;
}

/** After the first Ctrl-C, how long running runs get to finish before they are cancelled. */
export const GRACE_MS = 5_000;

/**
 * Runs the experiments of a file, one after the other, with a live view on a terminal, else one
 * line per finished run and a summary (or the summary as JSON). Ctrl-C (or `q` in the live view)
 * stops starting runs and waits briefly for running ones (a second Ctrl-C cancels them, a third
 * exits at once); what finished is logged, and the exit code is 130. In the live view, `p`
 * pauses starting runs.
 */
export async function runExperimentFile(llm: Llm, request: RunFileRequest, output: RunOutput): Promise<ExperimentResult[]> {
  if (request.executions !== undefined && (!Number.isInteger(request.executions) || request.executions < 1)) {
    throw new UsageError(`--executions must be a whole number of at least 1 (got ${request.executions}).`);
  }
  if (request.concurrency !== undefined && (!Number.isInteger(request.concurrency) || request.concurrency < 1)) {
    throw new UsageError(`--concurrency must be a whole number of at least 1 (got ${request.concurrency}).`);
  }
  if (request.timeout !== undefined && !(Number.isFinite(request.timeout) && request.timeout > 0)) {
    throw new UsageError(`--timeout must be a positive number of seconds (got ${request.timeout}).`);
  }
  if (request.batch && request.timeout !== undefined) throw new UsageError('--timeout cannot be used with --batch: a batch may take up to 24 hours.');
  // Refused before anything runs when there is no terminal to ask on and no --yes.
  const batchApi = request.batch ? (await import('./batch-prompts.js')).batchSettings(request.batch, output) : undefined;
  // Batch lines on stderr would tear the live view: plain lines instead.
  const live = request.live && !batchApi;
  const loaded = await loadExperimentFile(request.file, process.cwd(), (message) => output.err(`Warning: ${message}\n`));
  let experiments = loaded.experiments;
  if (request.name !== undefined) {
    experiments = experiments.filter((e) => e.name === request.name);
    if (experiments.length === 0) {
      throw new UsageError(`${request.file} has no experiment named '${request.name}' (it has ${loaded.experiments.map((e) => `'${e.name}'`).join(', ')}).`);
    }
  }
  // The baseline is read first, so that a wrong name fails before any run.
  const baseline = request.baseline === undefined ? undefined : await loadBaseline(llm, request.baseline, request.database);
  // Shards of one file share an experiment id: by default the file's contents tell runs apart.
  const shardGroup = request.shard ? (request.shardGroup ?? createHash('sha256').update(readFileSync(loaded.path)).digest('hex')) : undefined;
  const liveView = live ? await import('../ui/render-live-view.js') : undefined;
  const compareWithBaseline = baseline && !request.json ? (await import('./live-comparison.js')).compareWithBaseline : undefined;

  const stop = new AbortController();
  const cancel = new AbortController();
  let presses = 0;
  const pause = new PauseGate();
  const onSigint = () => {
    presses++;
    if (presses === 1) {
      stop.abort();
      pause.release();
      if (!live) output.err(`Stopping: no new runs start; running ones get ${GRACE_MS / 1000} s to finish (Ctrl-C again cancels them).\n`);
    } else if (presses === 2) {
      cancel.abort();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  const results: ExperimentResult[] = [];
  let failure: LlmError | undefined;
  try {
    for (const experiment of experiments) {
      if (stop.signal.aborted) break;
      let progress: ExperimentProgress | undefined;
      let view: import('../ui/render-live-view.js').LiveView | undefined;
      const finished: RunRecord[] = [];
      const controls = {
        togglePause: () => {
          if (stop.signal.aborted) return;
          pause.toggle();
          view?.changed();
        },
        stop: () => {
          if (presses === 0) onSigint();
        },
        interrupt: onSigint,
      };
      let result: ExperimentResult;
      try {
        result = await experiment.run({
          llm,
          file: loaded.path,
          executions: request.executions,
          concurrency: request.concurrency,
          timeoutMs: request.timeout === undefined ? undefined : request.timeout * 1000,
          database: request.database,
          logResponses: request.logResponses,
          signal: stop.signal,
          cancel: cancel.signal,
          graceMs: GRACE_MS,
          prepare: loaded.models,
          beforeRun: () => pause.wait(),
          ...(request.resume === undefined ? {} : { resume: request.resume }),
          ...(request.cache ? { cache: request.cache } : {}),
          ...(batchApi ? { batchApi } : {}),
          ...(request.shard ? { shard: request.shard, shardGroup } : {}),
          onProgress: (current) => {
            if (!progress) {
              progress = current;
              if (liveView) {
                const source = { snapshot: () => current.snapshot(), runs: () => finished, paused: () => pause.paused };
                view = liveView.renderLiveView(source, controls, {
                  file: request.file,
                  baseline: baseline && compareWithBaseline ? { reference: request.baseline!, compare: (runs, metrics) => compareWithBaseline(baseline, request.baseline!, runs, metrics) } : undefined,
                });
              }
            }
            view?.changed();
          },
          onRun: (run) => {
            if (view || compareWithBaseline) finished.push(run);
            if (!live && !request.json && progress) output.out(`${formatRunLine(run, progress.finished, progress.planned)}\n`);
          },
        });
      } finally {
        if (view && progress) await view.finish(progress.snapshot());
      }
      results.push(result);
      if (!request.json) output.out(`${live ? '\n' : ''}${formatSummary(result)}`);
      if (baseline && compareWithBaseline) output.out(formatBaselineComparison(compareWithBaseline(baseline, request.baseline!, finished, result.metrics)));
      if (result.logError) failure ??= new LlmError(`Experiment '${result.name}' ran, but its log is incomplete: ${result.logError}`);
      if (result.status === 'completed' && result.finished > 0 && result.ok === 0) {
        failure ??= new LlmError(`Every run of experiment '${result.name}' failed; the first error: ${result.errors[0]?.message ?? 'unknown'}`);
      }
      // Its statistics, kept for `compare` (a stopped run leaves that to the next compare, to exit at once).
      if (result.id && !result.logError && !stop.signal.aborted) await (await import('./summaries.js')).summarizeLogged(llm, request.database, result.id);
    }
  } finally {
    process.off('SIGINT', onSigint);
    pause.release();
  }
  if (request.json) output.out(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  if (stop.signal.aborted) {
    const logged = results.reduce((sum, r) => sum + r.finished, 0);
    const stoppedOne = results.find((r) => r.id && r.status === 'interrupted');
    const hint = stoppedOne ? ` Run the rest with: llm experiments resume ${stoppedOne.id}${request.database ? ` -d ${request.database}` : ''}` : '';
    output.err(`Interrupted: ${logged} finished run${logged === 1 ? '' : 's'} ${results.some((r) => r.id) ? 'logged' : 'kept'}.${hint}\n`);
    process.exitCode = 130;
  } else if (failure) {
    throw failure;
  }
  return results;
}

/** The logged experiment `--baseline` names, with its runs. */
async function loadBaseline(llm: Llm, reference: string, database: string | undefined): Promise<ExperimentDetails> {
  const [{ readExperiments }, { findExperiment, loadExperiment }] = await Promise.all([import('./read-log.js'), import('./queries.js')]);
  try {
    return (await readExperiments(llm, database, (db) => loadExperiment(db, findExperiment(db, reference))))!;
  } catch (error) {
    throw new UsageError(`--baseline ${reference}: ${(error as Error).message}`);
  }
}
