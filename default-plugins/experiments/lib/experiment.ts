import type { MetricReference } from './metric.js';
import type { BotUse, PromptUse } from './run-context.js';
import type { MetricKind, MetricSummary } from './statistics.js';
import { LlmError, type Llm, type MetricDirection, type Model } from 'llm-host';

/** What a pipeline gets for one run. */
export interface PipelineContext<Input = undefined> {
  /** Which execution this is, from 0. */
  readonly index: number;
  /** `inputs[index % inputs.length]` when the experiment has inputs, else undefined. */
  readonly input: Input;
  /** Aborted when the run times out or the experiment is cancelled: pass it on to long work. */
  readonly signal: AbortSignal;
  /** The run's id in the log. */
  readonly runId: string;
}

/** The code an experiment measures: one call is one run; its result is what the metrics score. */
export type Pipeline<Output, Input = undefined> = (context: PipelineContext<Input>) => Output | Promise<Output>;

/** How an experiment runs by default (the CLI's flags and `run()`'s options override these). */
export interface ExperimentOptions<Output = unknown, Input = undefined> {
  /** How many runs (default: the number of inputs, else 10). */
  readonly executions?: number;
  /** How many runs at once (default 4). */
  readonly concurrency?: number;
  /** The metrics to score each run's output with (the output's type comes from the pipeline). */
  readonly metrics?: readonly MetricReference<NoInfer<Output>>[];
  /** Free-form information kept with the experiment (a hypothesis, a ticket, a dataset version). */
  readonly info?: Readonly<Record<string, unknown>>;
  /** One line saying what the experiment tests. */
  readonly description?: string;
  /** Longest a run may take, in milliseconds, metrics included; a run that takes longer is logged as an error. */
  readonly timeoutMs?: number;
  /** Inputs to cycle through: run `i` gets `inputs[i % inputs.length]`, and metrics see it too. */
  readonly inputs?: readonly Input[];
}

/** One finished run, as logged. */
export interface RunRecord {
  readonly id: string;
  readonly index: number;
  readonly status: 'ok' | 'error';
  /** Why the pipeline failed (status `error`). */
  readonly error?: string;
  /** When the run started, in UTC (ISO 8601). */
  readonly startedAt: string;
  /** How long the run took, in milliseconds: its pipeline, then its metrics. */
  readonly durationMs: number;
  /** How long its pipeline took, in milliseconds (the part of `durationMs` before the metrics). */
  readonly pipelineMs: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly info: Readonly<Record<string, unknown>>;
  readonly prompts: readonly PromptUse[];
  readonly bots: readonly BotUse[];
  /** The responses the run made, with what made each one (a bot's name, `metric:NAME`). */
  readonly responses: readonly { readonly id: string; readonly source?: string | undefined }[];
  /** How many of its responses came from the response cache (`cache`). */
  readonly cached?: number;
  /** Each metric's value (booleans as 0/1), or why it has none. */
  readonly metrics: Readonly<Record<string, { readonly value: number | null; readonly kind?: MetricKind; readonly error?: string }>>;
}

/** One metric's results over an experiment. */
export interface MetricResult extends MetricSummary {
  readonly name: string;
  readonly description?: string | undefined;
  readonly better: MetricDirection;
  /** Runs whose metric failed (threw, or returned something that is not a number or a boolean). */
  readonly errors: number;
}

/** What an experiment run came to. */
export interface ExperimentResult {
  /** The experiment's id in the log (undefined when it was not logged: `log: false`). */
  readonly id: string | undefined;
  readonly name: string;
  /** `completed`, or `interrupted` (stopped before every run had started or finished). */
  readonly status: 'completed' | 'interrupted';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly executions: number;
  readonly concurrency: number;
  /** Runs that finished, ok or not. */
  readonly finished: number;
  readonly ok: number;
  readonly failed: number;
  /** Runs cut off by an interruption: not logged. */
  readonly cancelled: number;
  /** Runs never started because of an interruption. */
  readonly notStarted: number;
  readonly metrics: readonly MetricResult[];
  /** The first errors (up to 10), with the run they happened in. */
  readonly errors: readonly { readonly index: number; readonly message: string }[];
  /** The log file the experiment was written to. */
  readonly database: string | undefined;
  /** Runs that took at least one answer from the response cache (`cache`). */
  readonly cached?: number;
  /** Runs logged before this resume, kept and counted here (`resume`). */
  readonly resumed?: number;
  /** The slice of the runs this was (`shard`). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Why (some of) the runs could not be logged, if that happened: the results above are complete, the log is not. */
  readonly logError?: string;
}

/** How to run an experiment from code. */
export interface ExperimentRunOptions {
  /** The plugin host (default: the library's shared one, built from the environment). */
  readonly llm?: Llm;
  readonly executions?: number;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** Log to this SQLite file instead of logs.db. */
  readonly database?: string;
  /** `false`: keep nothing in the log (responses are still logged unless their logging is off). */
  readonly log?: boolean;
  /** Log the runs' responses even when logging is off (`llm logs off`), as `llm --log` does. */
  readonly logResponses?: boolean;
  /** Where the experiment was defined, kept in the log. */
  readonly file?: string;
  /** Aborting it stops starting runs; running ones get `graceMs` to finish, then are cancelled. */
  readonly signal?: AbortSignal;
  /** Aborting it cancels running runs at once. */
  readonly cancel?: AbortSignal;
  /** How long running runs may take to finish after `signal` aborts (default 5000 ms). */
  readonly graceMs?: number;
  /** Called as runs start and finish; `progress.snapshot()` has the counts and running statistics. */
  readonly onProgress?: (progress: import('./progress.js').ExperimentProgress) => void;
  /** Called for each finished run. */
  readonly onRun?: (run: RunRecord) => void;
  /**
   * Called before each run starts: the run starts once what it returns resolves, so a caller can
   * pause the experiment (the live view's `p`). Resolve it when `signal` aborts, too.
   */
  readonly beforeRun?: () => void | Promise<void>;
  /**
   * Batch the log writes: at most this many runs (default 250) or this long between writes
   * (default 250 ms on a native SQLite engine, which writes on a background thread; 2000 ms on
   * sql.js, which rewrites the whole file each time).
   */
  readonly batch?: { readonly runs?: number; readonly ms?: number };
  /**
   * Models to prepare (`model.prepare()`: their client code and options validators loaded) before
   * the clock starts, so that the first wave of runs is timed like the rest. Ids, aliases, Model
   * objects, or undefined for the default model. `llm experiments run` passes the models of the
   * bots the experiment file defines.
   */
  readonly prepare?: readonly (Model | string | undefined)[];
  /**
   * Continue the logged experiment with this id (made by this experiment): its logged runs are
   * kept (and counted in the result), the missing ones run into it. Its number of runs, and unless
   * given its concurrency and timeout, are the logged ones.
   */
  readonly resume?: string;
  /**
   * Run only the `index`th (from 1) of `count` disjoint slices of the runs (run i when
   * i % count === index - 1). Every slice of one sharded run logs to the same experiment id, so
   * logs from several machines merge into one experiment (`llm logs merge`).
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /**
   * Answer each request from the log when it has a response to the same request, made by the same
   * run index (`--cache`): a re-run of a finished experiment makes no requests, and its metrics are
   * computed again. `{ ttlMs }`: only responses logged that recently. The responses' rows are
   * reused; each run records how many of its responses came from the cache.
   */
  readonly cache?: boolean | { readonly ttlMs?: number };
  /**
   * Send the runs' model calls through the model's Batch API (`--batch`; OpenAI's models): the
   * calls are held until every run still going waits on one, then go out as batches (one per
   * model and step, split at the API's limits), and each run goes on with its reply. Half the
   * price, up to 24 hours. Models that cannot batch are called directly. `timeoutMs` does not
   * apply. With `resume`, the logged batches are reattached to rather than submitted again.
   */
  readonly batchApi?: boolean | import('./batch/driver.js').BatchSettings;
  /** Tells sharded runs of the same experiment apart (part of the shared id; the CLI uses the file's contents). */
  readonly shardGroup?: string;
}

const BRAND = Symbol.for('llm.experiment');

/** An experiment: a named pipeline, run many times and scored by metrics. Make one with `experiment()`. */
export class Experiment<Output = unknown, Input = undefined> {
  constructor(
    readonly name: string,
    readonly pipeline: Pipeline<Output, Input>,
    readonly options: ExperimentOptions<Output, Input> = {},
  ) {
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Runs the experiment: every run, scored and logged. Resolves with the summary. */
  async run(options: ExperimentRunOptions = {}): Promise<ExperimentResult> {
    const { runExperiment } = await import('./runner.js');
    return runExperiment(this as Experiment<unknown, unknown>, options);
  }
}

/** Whether a value is an experiment (from any copy of `llm`, e.g. the one an experiment file imported). */
export function isExperiment(value: unknown): value is Experiment<unknown, unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * An experiment: `experiment('pitch', async () => writer(pitch({ product })).text(), { executions: 20, metrics })`.
 * Each execution is one run: the pipeline is called, every metric scores its result, and the run
 * is logged to logs.db with the prompt templates and bots it used, its responses, metric values,
 * status, start time and duration. Run it with `llm experiments run FILE` or `.run()`.
 */
export function experiment<Output, Input = undefined>(
  name: string,
  pipeline: Pipeline<Output, Input>,
  options: ExperimentOptions<Output, Input> = {},
): Experiment<Output, Input> {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw new LlmError(`an experiment needs a name of 1 to 200 characters (got ${JSON.stringify(name)})`);
  if (typeof pipeline !== 'function') throw new LlmError(`experiment '${name}' needs a pipeline function (got ${typeof pipeline})`);
  if (!options || typeof options !== 'object') throw new LlmError(`experiment '${name}': options must be an object`);
  if (options.executions !== undefined) checkCount(options.executions, `experiment '${name}': executions`);
  if (options.concurrency !== undefined) checkCount(options.concurrency, `experiment '${name}': concurrency`);
  if (options.timeoutMs !== undefined) checkTimeout(options.timeoutMs, `experiment '${name}': timeoutMs`);
  if (options.inputs !== undefined && (!Array.isArray(options.inputs) || options.inputs.length === 0)) {
    throw new LlmError(`experiment '${name}': inputs must be a non-empty array`);
  }
  if (options.metrics !== undefined && !Array.isArray(options.metrics)) throw new LlmError(`experiment '${name}': metrics must be an array`);
  return new Experiment(name, pipeline, options);
}

/** A count (executions, concurrency): a whole number of at least 1. */
export function checkCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new LlmError(`${what} must be a whole number of at least 1 (got ${String(value)})`);
  return value;
}

/** A timeout in milliseconds: a positive finite number. */
export function checkTimeout(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new LlmError(`${what} must be a positive number of milliseconds (got ${String(value)})`);
  return value;
}
