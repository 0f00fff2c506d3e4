import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunRecord } from './experiment.js';
import type { ResolvedMetric } from './metric.js';
import type { BotUse } from './run-context.js';
import { stableJson } from './run-context.js';
import { EXPERIMENT_MIGRATIONS } from './schema.js';
import type { MetricKind } from './statistics.js';
import type { Shard } from './shards.js';
import { LlmError, type Llm, type LogStore, type SqlStatement } from 'llm-host';
import { messageOf, packageVersion, utcNow } from './core.js';

/** The experiment row written when it starts. */
export interface ExperimentRow {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly file: string | undefined;
  readonly info: Readonly<Record<string, unknown>> | undefined;
  readonly executions: number;
  readonly concurrency: number;
  readonly timeoutMs: number | undefined;
  readonly startedAt: string;
  readonly metrics: readonly ResolvedMetric[];
  /** The slice of the runs this process runs (`--shard K/N`), if sharded. */
  readonly shard?: Shard | undefined;
}

/** How often to write. */
export interface BatchSettings {
  /** Write once this many runs are waiting (default 250). */
  readonly runs: number;
  /** ... or once the oldest waiting run has waited this long (default: see defaultBatch). */
  readonly ms: number;
}

/**
 * How often to write when the caller does not say: every 250 runs, or once the oldest has waited
 * 2 s on sql.js (each write rewrites the whole file) and 250 ms on a native engine (each write
 * adds pages, on the log-writer thread), so that little is left to write once the last run ends.
 */
export function defaultBatch(engine: string): BatchSettings {
  return { runs: 250, ms: engine === 'sql.js' ? 2_000 : 250 };
}

/**
 * Writes an experiment to the log in batches: the experiment row when it starts, then finished
 * runs in groups (by count or by time, whichever comes first), then the rest and the outcome at
 * the end. Each batch is one `store.write()`: one transaction, and on sql.js one rewrite of the
 * file, so 1,000 runs cost a handful of writes, not 1,000. Writes never overlap.
 */
export class ExperimentRecorder {
  /** How many times the log was written (for tests and benchmarks). */
  writes = 0;
  private pending: { run: RunRecord; logged: Promise<void> }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** A write is queued behind the one in progress (see add). */
  private flushQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private warned = false;
  /** Prompt versions and bots already written for this experiment: each is written once. */
  private readonly written = new Set<string>();

  private constructor(
    private readonly store: LogStore,
    private readonly experimentId: string,
    private readonly shard: Shard | undefined,
    private readonly batch: BatchSettings,
    private readonly warn: (message: string) => void,
  ) {}

  /** The log file. */
  get path(): string {
    return this.store.path;
  }

  /** The log the experiment is written to (its batches are logged there too). */
  get logStore(): LogStore {
    return this.store;
  }

  /**
   * Opens the log and writes the experiment row; `resume`: the row is there already (the
   * experiment is continued), and is marked running again. A shard already in the log is an
   * error naming the fix (resume it, or give another shard group).
   */
  static async start(
    llm: Llm,
    row: ExperimentRow,
    settings: { database?: string | undefined; batch?: Partial<BatchSettings> | undefined; resume?: boolean | undefined; store?: LogStore | undefined },
  ): Promise<ExperimentRecorder> {
    const names = new Set(llm.logMigrations().map((m) => m.name));
    if (!EXPERIMENT_MIGRATIONS.every((m) => names.has(m.name))) {
      throw new LlmError("The experiments plugin is switched off, so experiments cannot be logged: switch it on (see 'llm plugins --all'), or run with { log: false }.");
    }
    const store = settings.store ?? (await llm.logStore(settings.database));
    const defaults = defaultBatch(store.engine);
    const batch = { runs: settings.batch?.runs ?? defaults.runs, ms: settings.batch?.ms ?? defaults.ms };
    const recorder = new ExperimentRecorder(store, row.id, row.shard, batch, llm.warn);
    if (row.shard && !settings.resume) {
      const shard = row.shard;
      const there = await store.read((db) => db.get('SELECT 1 AS [x] FROM [experiment_shards] WHERE [experiment_id] = ? AND [shard] = ?', [row.id, shard.index]));
      if (there) {
        throw new LlmError(
          `Shard ${shard.index}/${shard.count} of experiment '${row.name}' (${row.id}) is in ${store.path} already: continue it with 'llm experiments resume ${row.id}', or give --shard-group to start another sharded run.`,
        );
      }
    }
    // The first append starts the log-writer thread (native engines), before the first run.
    await store.append(settings.resume ? resumeStatements(row) : experimentStatements(row));
    recorder.writes++;
    return recorder;
  }

  /** Queues a finished run, to be written once `logged` (its responses are in the log) resolves. */
  add(run: RunRecord, logged: Promise<void> = Promise.resolve()): void {
    this.pending.push({ run, logged });
    // A write already queued takes every run waiting when it starts: one more would write the
    // runs that arrive meanwhile one transaction each.
    if (this.flushQueued) return;
    if (this.pending.length >= this.batch.runs) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.batch.ms);
  }

  /** Writes the queued runs now (after any write in progress). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushQueued = true;
    this.chain = this.chain.then(async () => {
      this.flushQueued = false;
      if (this.pending.length === 0) return;
      const runs = this.pending;
      this.pending = [];
      await Promise.all(runs.map((r) => r.logged));
      try {
        const { statements, added } = runStatements(this.experimentId, runs.map((r) => r.run), this.written);
        await this.store.append(statements);
        for (const key of added) this.written.add(key);
        this.writes++;
        this.failure = undefined;
      } catch (error) {
        // Keep them for the next write; tell the user once, and fail at the end if it never works.
        this.pending = runs.concat(this.pending);
        this.failure = error;
        if (!this.warned) this.warn(`could not log experiment runs yet (will retry): ${messageOf(error)}`);
        this.warned = true;
      }
    });
    return this.chain;
  }

  /** Writes the remaining runs and the experiment's outcome, in one write. Throws if runs could not be logged. */
  async finish(outcome: { status: string; durationMs: number; kinds: ReadonlyMap<string, MetricKind> }): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    const runs = this.pending;
    this.pending = [];
    await Promise.all(runs.map((r) => r.logged));
    try {
      const { statements } = runStatements(this.experimentId, runs.map((r) => r.run), this.written);
      const finishedAt = utcNow();
      statements.push(['UPDATE [experiments] SET [status] = ?, [finished_at] = ?, [duration_ms] = ? WHERE [id] = ?', [outcome.status, finishedAt, Math.round(outcome.durationMs), this.experimentId]]);
      if (this.shard) {
        statements.push(['UPDATE [experiment_shards] SET [status] = ?, [finished_at] = ? WHERE [experiment_id] = ? AND [shard] = ?', [outcome.status, finishedAt, this.experimentId, this.shard.index]]);
      }
      for (const [name, kind] of outcome.kinds) {
        statements.push(['UPDATE [experiment_metrics] SET [kind] = ? WHERE [experiment_id] = ? AND [name] = ?', [kind, this.experimentId, name]]);
      }
      await this.store.append(statements);
      this.writes++;
    } catch (error) {
      throw new LlmError(`${runs.length} experiment run${runs.length === 1 ? '' : 's'} could not be logged to ${this.store.path}: ${messageOf(error ?? this.failure)}`, { cause: error });
    }
  }
}

/** The statements that write the experiment's row and its metrics (a shard's row is written by each shard: the first wins). */
function experimentStatements(row: ExperimentRow): SqlStatement[] {
  const statements: SqlStatement[] = [];
  statements.push([
    `INSERT ${row.shard ? 'OR IGNORE ' : ''}INTO [experiments] ([id], [name], [description], [file], [info], [executions], [concurrency], [timeout_ms], [status], [started_at], [llm_version], [pid], [host])
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
    [
      row.id,
      row.name,
      row.description ?? null,
      row.file ?? null,
      row.info && Object.keys(row.info).length > 0 ? json(row.info) : null,
      row.executions,
      row.concurrency,
      row.timeoutMs ?? null,
      row.startedAt,
      packageVersion(),
      // Which process runs it: readers show it as interrupted once that process is gone.
      process.pid,
      hostname(),
    ],
  ]);
  if (row.shard) statements.push(...shardStatements(row));
  for (const [position, metric] of row.metrics.entries()) {
    statements.push([
      `INSERT ${row.shard ? 'OR IGNORE ' : ''}INTO [experiment_metrics] ([experiment_id], [name], [description], [better], [position]) VALUES (?, ?, ?, ?, ?)`,
      [row.id, metric.name, metric.description ?? null, metric.better, position],
    ]);
  }
  return statements;
}

/** The statements that mark a logged experiment (and the shard being resumed) running again. */
function resumeStatements(row: ExperimentRow): SqlStatement[] {
  // The process that resumes it is the one readers check for being alive now.
  const statements: SqlStatement[] = [["UPDATE [experiments] SET [status] = 'running', [finished_at] = NULL, [pid] = ?, [host] = ? WHERE [id] = ?", [process.pid, hostname(), row.id]]];
  if (row.shard) statements.push(...shardStatements(row));
  return statements;
}

/** The row of the shard this process runs, (re)marked running. */
function shardStatements(row: ExperimentRow): SqlStatement[] {
  const shard = row.shard!;
  return [
    [
      `INSERT INTO [experiment_shards] ([experiment_id], [shard], [shards], [status], [started_at]) VALUES (?, ?, ?, 'running', ?)
       ON CONFLICT ([experiment_id], [shard]) DO UPDATE SET [status] = 'running', [finished_at] = NULL`,
      [row.id, shard.index, shard.count, row.startedAt],
    ],
  ];
}

/**
 * The statements that write runs with their metric values, prompt versions, bots and response
 * links. `written` holds the prompt versions and bots earlier writes committed; `added` the ones
 * these statements add (the caller notes them once they are committed).
 */
function runStatements(experimentId: string, runs: readonly RunRecord[], written: ReadonlySet<string>): { statements: SqlStatement[]; added: string[] } {
  const statements: SqlStatement[] = [];
  const add = (sql: string, params: SqlStatement[1]) => statements.push([sql, params]);
  const added: string[] = [];
  const once = (key: string) => {
    if (written.has(key) || added.includes(key)) return false;
    added.push(key);
    return true;
  };
  for (const run of runs) {
    add(
      `INSERT INTO [experiment_runs] ([id], [experiment_id], [run_index], [status], [error], [started_at], [duration_ms], [cached], [pipeline_ms], [input], [output], [info])
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        run.id,
        experimentId,
        run.index,
        run.status,
        run.error ?? null,
        run.startedAt,
        Math.round(run.durationMs),
        run.cached ? run.cached : null,
        Math.round(run.pipelineMs),
        run.input === undefined ? null : json(run.input),
        run.output === undefined ? null : json(run.output),
        Object.keys(run.info).length > 0 ? json(run.info) : null,
      ],
    );
    for (const [name, result] of Object.entries(run.metrics)) {
      add('INSERT INTO [experiment_metric_values] ([run_id], [metric], [value], [error]) VALUES (?, ?, ?, ?)', [run.id, name, result.value, result.error ?? null]);
    }
    for (const prompt of run.prompts) {
      // A new version of a named prompt points at the version recorded before it.
      if (once(`prompt\0${prompt.name}\0${prompt.hash}`)) add(
        `INSERT OR IGNORE INTO [prompt_versions] ([name], [hash], [role], [template], [previous_hash], [first_experiment_id], [created_at])
         VALUES (?, ?, ?, ?, (SELECT [hash] FROM [prompt_versions] WHERE [name] = ? ORDER BY [id] DESC LIMIT 1), ?, ?)`,
        [prompt.name, prompt.hash, prompt.role, prompt.template, prompt.name, experimentId, run.startedAt],
      );
      add('INSERT OR IGNORE INTO [experiment_run_prompts] ([run_id], [name], [hash]) VALUES (?, ?, ?)', [run.id, prompt.name, prompt.hash]);
    }
    for (const bot of run.bots) {
      const id = botId(bot);
      if (once(`bot\0${id}`)) add('INSERT OR IGNORE INTO [experiment_bots] ([id], [name], [kind], [model], [system], [options], [schema]) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        bot.name,
        bot.kind,
        bot.model,
        bot.system ?? null,
        stableJson(bot.options),
        bot.schema === undefined ? null : stableJson(bot.schema),
      ]);
      add('INSERT OR IGNORE INTO [experiment_run_bots] ([run_id], [bot_id]) VALUES (?, ?)', [run.id, id]);
    }
    for (const [position, response] of run.responses.entries()) {
      // Only responses that are in this log: with logging off (llm logs off) they are not.
      add(
        `INSERT OR IGNORE INTO [experiment_run_responses] ([run_id], [response_id], [source], [position])
         SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM [responses] WHERE [id] = ?)`,
        [run.id, response.id, response.source ?? null, position, response.id],
      );
    }
  }
  return { statements, added };
}

/** Bot ids by what they hash: every run of an experiment records the same few bots. */
const botIds = new Map<string, string>();

/** A bot's id: the hash of everything recorded about it, so each distinct bot is stored once. */
function botId(bot: BotUse): string {
  const recorded = stableJson([bot.name, bot.kind, bot.model, bot.system ?? null, bot.options, bot.schema ?? null]);
  let id = botIds.get(recorded);
  if (id === undefined) {
    id = createHash('sha256').update(recorded).digest('hex').slice(0, 32);
    // Bounded: a long-lived process that makes many distinct bots keeps only the latest ones.
    if (botIds.size >= 1000) botIds.clear();
    botIds.set(recorded, id);
  }
  return id;
}

/** JSON for a column; values JSON cannot hold (a cycle, a BigInt) are kept as their string form. */
function json(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}
