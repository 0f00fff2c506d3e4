import { setMaxListeners } from 'node:events';
import { checkCount, checkTimeout, type Experiment, type ExperimentResult, type ExperimentRunOptions, type RunRecord } from './experiment.js';
import { resolveMetrics, scoreMetric, type ResolvedMetric } from './metric.js';
import { ExperimentProgress } from './progress.js';
import { readLoggedExperiment, type LoggedExperiment } from './logged-experiment.js';
import { ExperimentRecorder } from './recorder.js';
import { RunContext, withRunContext } from './run-context.js';
import { checkShard, shardedExperimentId, shardIndexes, type Shard } from './shards.js';
import type { MetricKind } from './statistics.js';
import { LlmError, type Llm, type LogStore, type MetricContext, type Model } from 'llm-host';
import { messageOf, newId, sharedLlm, utcNow } from './core.js';
import { BatchLog } from './batch/batch-log.js';
import { BatchDeclinedError, BatchDriver } from './batch/driver.js';
import { BatchGatherer } from './batch/gatherer.js';

const DEFAULT_EXECUTIONS = 10;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_GRACE_MS = 5_000;
/** After a run is cut off, how long to wait for its responses to settle before moving on. */
const SETTLE_AFTER_ABORT_MS = 1_000;
/** The longest a finished run waits for its responses to be logged. */
const SETTLE_MAX_MS = 60_000;

/** Why a run was stopped: its own timeout, or the experiment being cancelled. */
class RunStopped extends Error {
  constructor(
    readonly why: 'timeout' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs an experiment: up to `concurrency` runs at once, each in its own run context; each run's
 * result is scored by every metric and logged in batches. A run that throws or times out is
 * logged as an error and the others go on. When `signal` aborts, no new run starts, running ones
 * get `graceMs` to finish (cancelled after that, or at once when `cancel` aborts), and everything
 * finished is logged.
 */
export async function runExperiment(experiment: Experiment<unknown, unknown>, options: ExperimentRunOptions = {}): Promise<ExperimentResult> {
  const llm: Llm = options.llm ?? (await sharedLlm());
  const settings = experiment.options;
  const inputs = settings.inputs;
  // Resuming: the experiment as logged says how many runs it has and which are done.
  let store: LogStore | undefined;
  let logged: LoggedExperiment | undefined;
  if (options.resume !== undefined) {
    if (options.log === false) throw new LlmError('An experiment is resumed from its log: resume cannot be combined with { log: false }.');
    store = await llm.logStore(options.database);
    logged = await readLoggedExperiment(store, options.resume);
    if (logged.name !== experiment.name) throw new LlmError(`Experiment ${logged.id} is '${logged.name}', not '${experiment.name}': resume it with the experiment of that name.`);
  }
  const executions = logged ? logged.executions : checkCount(options.executions ?? settings.executions ?? inputs?.length ?? DEFAULT_EXECUTIONS, 'executions');
  const concurrency = checkCount(options.concurrency ?? logged?.concurrency ?? settings.concurrency ?? DEFAULT_CONCURRENCY, 'concurrency');
  const batching = options.batchApi ? (options.batchApi === true ? {} : options.batchApi) : undefined;
  if (batching && options.timeoutMs !== undefined) throw new LlmError('A batched experiment cannot have a timeout: a batch may take up to 24 hours. Drop timeoutMs (--timeout) or batchApi (--batch).');
  // A batch may take up to 24 hours: the experiment's own timeout does not apply.
  const timeoutMs = batching ? undefined : (options.timeoutMs ?? logged?.timeoutMs ?? settings.timeoutMs);
  // The slices to run: the one asked for, or on resume the ones the log ran (none: every run).
  const shards: Shard[] = options.shard ? [checkShard(options.shard)] : logged ? [...logged.shards] : [];
  const shard = shards.length === 1 ? shards[0] : undefined;
  const inScope = shardIndexes(executions, shards);
  const previous = logged ? logged.runs.filter((run) => inScope.includes(run.index)) : [];
  const done = new Set(previous.map((run) => run.index));
  const todo = inScope.filter((index) => !done.has(index));
  if (timeoutMs !== undefined) checkTimeout(timeoutMs, 'timeout');
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const metrics = await resolveMetrics(settings.metrics ?? [], llm.metrics());

  // Resolved once per name for the whole experiment (each lookup reads aliases.json).
  const models = new Map<string, Promise<Model>>();
  const getModel = (name?: string) => {
    const key = name ?? '';
    let model = models.get(key);
    if (!model) {
      model = llm.getModel(name);
      models.set(key, model);
      model.catch(() => models.delete(key));
    }
    return model;
  };
  await prepareModels(options.prepare ?? [], getModel);

  const id =
    logged?.id ??
    (shard ? shardedExperimentId({ name: experiment.name, executions, shards: shard.count, group: options.shardGroup ?? '' }) : newId());
  const startedAt = utcNow();
  const recorder =
    options.log === false
      ? undefined
      : await ExperimentRecorder.start(
          llm,
          {
            id,
            name: experiment.name,
            description: settings.description,
            file: options.file,
            info: settings.info,
            executions,
            concurrency,
            timeoutMs,
            startedAt,
            metrics,
            shard,
          },
          { database: options.database, batch: options.batch, resume: logged !== undefined, store },
        );
  const progress = new ExperimentProgress(experiment.name, inScope.length, metrics);
  progress.resumeFrom(previous);
  // The runs' responses go to the experiment's log file, and follow `llm logs off` unless forced.
  // `batch`: the logger may write them together, many per transaction.
  const log = { batch: true, ...(options.database ? { database: options.database } : {}), ...(options.logResponses ? { force: true } : {}) };

  // Cancelling aborts every running run; stopping only keeps new ones from starting.
  const cancelAll = new AbortController();
  // Every running run (and each of its requests) listens to it, and removes its listener after.
  setMaxListeners(0, cancelAll.signal);
  let stopped = false;
  let graceTimer: NodeJS.Timeout | undefined;
  // Batched: every run starts at once, and their model calls are gathered into batches.
  let declined: BatchDeclinedError | undefined;
  const gatherer = batching
    ? (() => {
        const driver = new BatchDriver(batching, recorder ? new BatchLog(recorder.logStore, id) : undefined, cancelAll.signal);
        return new BatchGatherer(todo.length, (calls) =>
          driver.flush(calls).catch((error: unknown) => {
            if (error instanceof BatchDeclinedError) {
              declined = error;
              cancel();
            }
            throw error;
          }),
        );
      })()
    : undefined;
  const workers = gatherer ? Math.max(1, todo.length) : concurrency;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    gatherer?.noMoreRuns();
    progress.stopping = true;
    options.onProgress?.(progress);
    graceTimer = setTimeout(() => cancelAll.abort(new RunStopped('cancelled', 'cancelled: the experiment was interrupted')), graceMs);
    graceTimer.unref?.();
  };
  const cancel = () => {
    stop();
    cancelAll.abort(new RunStopped('cancelled', 'cancelled: the experiment was interrupted'));
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.cancel?.aborted) cancel();
  options.cancel?.addEventListener('abort', cancel, { once: true });

  const runOne = async (index: number, position: number): Promise<void> => {
    gatherer?.runStarted(index);
    try {
      await runOnce(index, position);
    } finally {
      gatherer?.runEnded(index);
    }
  };
  const runOnce = async (index: number, position: number): Promise<void> => {
    const runId = newId();
    // A run's signal: the experiment's cancellation, and the run's own timeout if it has one.
    let timer: NodeJS.Timeout | undefined;
    let signal = cancelAll.signal;
    if (timeoutMs !== undefined) {
      const own = new AbortController();
      timer = setTimeout(() => own.abort(new RunStopped('timeout', `timed out after ${formatSeconds(timeoutMs)}`)), timeoutMs);
      signal = AbortSignal.any([own.signal, cancelAll.signal]);
    }
    const input = inputs ? inputs[index % inputs.length] : undefined;
    // The last wave of runs logs at once: nothing more is coming for their responses to wait for,
    // and the experiment is finished only when they are written.
    // Batched, every run is in the one wave and their responses arrive together: logged together.
    const lastWave = !gatherer && todo.length - position <= workers;
    // The run index salts every request's hash, so that repeats never share an answer.
    const cache = { enabled: options.cache !== undefined && options.cache !== false, ttlMs: typeof options.cache === 'object' ? options.cache.ttlMs : undefined, salt: `run:${index}` };
    const context = new RunContext({ id: runId, index, input, signal, log: lastWave ? { ...log, batch: false } : log, getModel, cache, batcher: gatherer?.forRun(index) });
    const runStartedAt = utcNow();
    const started = performance.now();
    progress.runStarted();
    options.onProgress?.(progress);
    let output: unknown;
    let error: string | undefined;
    try {
      output = await untilAborted(
        withRunContext(context, () => Promise.resolve().then(() => experiment.pipeline({ index, input, signal, runId }))),
        signal,
      );
    } catch (thrown) {
      error = describeFailure(thrown, signal);
    }
    const pipelineMs = performance.now() - started;
    const values: Record<string, { value: number | null; kind?: MetricKind; error?: string }> = {};
    if (error === undefined) {
      for (const metric of metrics) {
        values[metric.name] = await scoreOne(metric, output, context, signal);
      }
    }
    const durationMs = performance.now() - started;
    if (timer) clearTimeout(timer);
    if (cancelAll.signal.aborted && (error !== undefined || Object.values(values).some((v) => v.error))) {
      // Cut off by the interruption: not a result, so not logged.
      progress.runCancelled();
      options.onProgress?.(progress);
      return;
    }
    const record: RunRecord = {
      id: runId,
      index,
      status: error === undefined ? 'ok' : 'error',
      ...(error === undefined ? {} : { error }),
      startedAt: runStartedAt,
      durationMs,
      pipelineMs,
      ...(input === undefined ? {} : { input }),
      ...(output === undefined ? {} : { output }),
      info: { ...context.info },
      prompts: context.prompts,
      bots: context.bots,
      responses: context.responses.map((r) => ({ id: r.response.id, source: r.source })),
      cached: context.responses.filter((r) => r.response.cached).length,
      metrics: values,
    };
    // The run's responses are still being logged (in batches): the run is written after them, so
    // that its links find them; the next run starts meanwhile.
    const logged = responsesLogged(context, signal);
    pendingLogs.add(logged);
    void logged.finally(() => pendingLogs.delete(logged));
    recorder?.add(record, logged);
    if (record.cached) cachedRuns++;
    progress.runFinished(record);
    options.onRun?.(record);
    options.onProgress?.(progress);
  };

  const pendingLogs = new Set<Promise<void>>();
  let cachedRuns = 0;
  let next = 0;
  const worker = async () => {
    while (!stopped && next < todo.length) {
      if (options.beforeRun) {
        // Paused: wait until resumed (or stopped).
        await options.beforeRun();
        if (stopped || next >= todo.length) break;
      }
      const position = next++;
      await runOne(todo[position]!, position);
    }
  };
  // A failure here is a bug in a callback (onRun, onProgress), not in a run: the experiment is
  // logged as failed with the runs that finished, and the error goes to the caller.
  let failure: unknown;
  try {
    // Each worker starts in its own turn of the event loop (Node drains the microtasks between
    // two setImmediate callbacks), so the first runs reach their requests one after another
    // instead of all interleaving step by step: the first request goes out after one run's
    // work, not after sixteen runs' work, and no run's duration counts the others' code.
    await Promise.all(
      Array.from({ length: Math.min(workers, todo.length) }, (_, slot) =>
        slot === 0 ? worker() : new Promise<void>((resolve) => setImmediate(resolve)).then(worker),
      ),
    );
  } catch (error) {
    failure = error ?? new Error('the experiment failed');
    stopped = true;
  } finally {
    if (graceTimer) clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', stop);
    options.cancel?.removeEventListener('abort', cancel);
  }

  await Promise.all(pendingLogs);
  const status = failure !== undefined ? 'failed' : stopped ? 'interrupted' : 'completed';
  // Declined batches: nothing ran; the caller hears why (after the log says interrupted).
  if (declined && failure === undefined) failure = declined;
  const kinds = new Map<string, MetricKind>();
  for (const metric of metrics) {
    const kind = progress.kindOf(metric.name);
    if (kind) kinds.set(metric.name, kind);
  }
  let logError: string | undefined;
  try {
    await recorder?.finish({ status, durationMs: (logged?.durationMs ?? 0) + performance.now() - progress.startedAt, kinds });
  } catch (error) {
    logError = messageOf(error);
  }
  if (failure !== undefined) throw failure;
  return {
    id: recorder ? id : undefined,
    name: experiment.name,
    status: status === 'interrupted' ? 'interrupted' : 'completed',
    startedAt,
    durationMs: performance.now() - progress.startedAt,
    executions,
    concurrency,
    finished: progress.finished,
    ok: progress.ok,
    failed: progress.failed,
    cancelled: progress.cancelled,
    notStarted: inScope.length - progress.started,
    ...(previous.length > 0 ? { resumed: previous.length } : {}),
    ...(cachedRuns > 0 ? { cached: cachedRuns } : {}),
    ...(shard ? { shard } : {}),
    metrics: progress.metricResults(),
    errors: progress.firstErrors,
    database: recorder?.path,
    ...(logError === undefined ? {} : { logError }),
  };
}

/**
 * Prepares models before the clock starts (see ExperimentRunOptions.prepare). Best effort: a model
 * that cannot be found or prepared is left for the runs that use it to report.
 */
async function prepareModels(references: readonly (Model | string | undefined)[], getModel: (name?: string) => Promise<Model>): Promise<void> {
  const resolved = await Promise.all(
    [...new Set(references)].map((reference) => (typeof reference === 'object' ? Promise.resolve(reference) : getModel(reference).catch(() => undefined))),
  );
  // The run that uses a model that cannot be found or prepared says what is wrong with it.
  await Promise.all([...new Set(resolved)].map((model) => model?.prepare?.().catch(() => {})));
}

/** Scores one metric inside the run (so a judge's responses are linked to it as `metric:NAME`). */
async function scoreOne(
  metric: ResolvedMetric,
  output: unknown,
  run: RunContext,
  signal: AbortSignal,
): Promise<{ value: number | null; kind?: MetricKind; error?: string }> {
  const phase = run.withSource(`metric:${metric.name}`);
  const context: MetricContext = {
    name: metric.name,
    input: run.input,
    options: metric.options,
    signal,
    getModel: run.getModel,
    annotate: (info) => run.addInfo(info),
  };
  try {
    const result = await untilAborted(
      withRunContext(phase, () => scoreMetric(metric, output, context)),
      signal,
    );
    return result.error === undefined ? { value: result.value, kind: result.kind } : { value: null, error: result.error };
  } catch (thrown) {
    return { value: null, error: `metric '${metric.name}' ${describeFailure(thrown, signal)}` };
  }
}

/**
 * Resolves once the responses a run made are logged (or failed). A run that was cut off waits
 * at most a second: a model that ignores the abort must not hold the log back. A run that
 * finished waits at most a minute, for a response its pipeline started and never read.
 */
function responsesLogged(run: RunContext, signal: AbortSignal): Promise<void> {
  const responses = run.responses;
  if (responses.length === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, signal.aborted ? SETTLE_AFTER_ABORT_MS : SETTLE_MAX_MS);
    timer.unref();
    void Promise.allSettled(responses.map((r) => r.response.done())).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The work's result, or the signal's reason as soon as it aborts (a pipeline that ignores it is left behind). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A run's failure in one line: the timeout or interruption if that is what stopped it. */
function describeFailure(error: unknown, signal: AbortSignal): string {
  if (signal.aborted && signal.reason instanceof RunStopped) return signal.reason.message;
  if (error instanceof RunStopped) return error.message;
  const message = messageOf(error);
  return message.split('\n')[0]!.trim() || (error instanceof Error ? error.name : 'failed');
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

