import { LlmError, UsageError, type MetricDirection, type SqlDatabase } from 'llm-host';
import type { MetricKind } from '../library.js';
import { parseColumn } from './parse-column.js';
import { withCurrentStatus } from './process-status.js';
import { columnsOfRuns, type RunColumns, type RunMetrics } from './run-metrics.js';

/** An experiment as the log keeps it. */
export interface ExperimentRow {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly file: string | null;
  readonly info: string | null;
  readonly executions: number;
  readonly concurrency: number;
  readonly timeout_ms: number | null;
  /** `running`, `completed`, `interrupted` or `failed`; `running` only while its process lives (see currentStatus). */
  readonly status: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly duration_ms: number | null;
  readonly llm_version: string | null;
  /** The process that ran it, and its host (null when logged before they were recorded). */
  readonly pid: number | null;
  readonly host: string | null;
}

/** An experiment with its run counts, for `llm experiments list`. */
export interface ExperimentListing extends ExperimentRow {
  readonly runs: number;
  readonly ok: number;
  readonly failed: number;
}

/** A metric an experiment scored. */
export interface MetricRow {
  readonly name: string;
  readonly description: string | null;
  readonly better: MetricDirection;
  readonly kind: MetricKind | null;
}

/** One run, with its metric values, output, info and responses. */
export interface RunRow extends RunMetrics {
  readonly id: string;
  readonly error: string | null;
  readonly startedAt: string;
  /** How long the run took, metrics included. */
  readonly durationMs: number;
  /** How long its pipeline took (null when the log does not say). */
  readonly pipelineMs: number | null;
  readonly output: unknown;
  readonly info: Readonly<Record<string, unknown>> | null;
  /** Ids of the logged responses the run made, in order. */
  readonly responses: readonly { readonly id: string; readonly source: string | null }[];
}

/** A prompt template version the runs used. */
export interface PromptUsage {
  readonly name: string;
  readonly hash: string;
  readonly role: string;
  readonly previousHash: string | null;
  readonly runs: number;
}

/** A bot the runs used. */
export interface BotUsage {
  readonly name: string;
  readonly kind: string;
  readonly model: string;
  readonly system: string | null;
  readonly options: Readonly<Record<string, unknown>>;
  readonly runs: number;
}

/** An experiment's setup: its metrics, and the prompt versions, bots, shards and batches its runs used. */
export interface ExperimentSetup {
  readonly experiment: ExperimentRow;
  readonly metrics: readonly MetricRow[];
  readonly prompts: readonly PromptUsage[];
  readonly bots: readonly BotUsage[];
  /** The slices of a sharded experiment this log ran or merged (empty: it ran whole). */
  readonly shards?: readonly { readonly index: number; readonly count: number; readonly status: string }[];
  /** The Batch API batches it submitted (`--batch`), oldest first. */
  readonly batches?: readonly BatchUsage[];
}

/** An experiment's setup and every run's status and metric values (and inputs): what `show` and `compare` summarize. */
export interface ExperimentSummary extends ExperimentSetup {
  readonly runs: RunColumns;
}

/** A batch an experiment submitted, as `show` lists it. */
export interface BatchUsage {
  readonly id: string;
  readonly step: number;
  readonly model: string;
  readonly requests: number;
  readonly status: string;
  readonly completed: number | null;
  readonly failed: number | null;
}

/** Everything about one experiment: every run whole (`show --json`, reports, plans). */
export interface ExperimentDetails extends ExperimentSetup {
  readonly runs: readonly RunRow[];
}

/** Experiments, newest first. */
export function listExperiments(db: SqlDatabase, options: { name?: string | undefined; limit?: number | undefined } = {}): ExperimentListing[] {
  const where = options.name ? 'WHERE e.[name] = ?' : '';
  const limit = options.limit && options.limit > 0 ? `LIMIT ${Math.floor(options.limit)}` : '';
  const rows = db.all<ExperimentListing>(
    `SELECT e.*,
            (SELECT COUNT(*) FROM [experiment_runs] r WHERE r.[experiment_id] = e.[id]) AS runs,
            (SELECT COUNT(*) FROM [experiment_runs] r WHERE r.[experiment_id] = e.[id] AND r.[status] = 'ok') AS ok,
            (SELECT COUNT(*) FROM [experiment_runs] r WHERE r.[experiment_id] = e.[id] AND r.[status] <> 'ok') AS failed
       FROM [experiments] e ${where} ORDER BY e.[started_at] DESC, e.[id] DESC ${limit}`,
    options.name ? [options.name] : [],
  );
  return rows.map(withCurrentStatus);
}

/**
 * The experiment a reference names: an id, a unique id prefix (6 characters or more), a name
 * (its newest experiment), or `NAME~N` (the Nth before the newest of that name).
 */
export function findExperiment(db: SqlDatabase, reference: string): ExperimentRow {
  return withCurrentStatus(findExperimentRow(db, reference));
}

function findExperimentRow(db: SqlDatabase, reference: string): ExperimentRow {
  const ref = reference.trim();
  if (ref === '') throw new UsageError('Give an experiment id or name (llm experiments list shows them).');
  const byId = db.get<ExperimentRow>('SELECT * FROM [experiments] WHERE [id] = ?', [ref.toLowerCase()]);
  if (byId) return byId;
  const back = /^(.*)~(\d+)$/.exec(ref);
  if (back) {
    const found = db.get<ExperimentRow>('SELECT * FROM [experiments] WHERE [name] = ? ORDER BY [started_at] DESC, [id] DESC LIMIT 1 OFFSET ?', [back[1]!, Number(back[2])]);
    if (found) return found;
    const count = db.get<{ n: number }>('SELECT COUNT(*) AS n FROM [experiments] WHERE [name] = ?', [back[1]!])!.n;
    if (count > 0) throw new LlmError(`'${ref}' goes back further than the log: experiment '${back[1]}' was run ${count} time${count === 1 ? '' : 's'} (~0 to ~${count - 1}).`);
  }
  const byName = db.get<ExperimentRow>('SELECT * FROM [experiments] WHERE [name] = ? ORDER BY [started_at] DESC, [id] DESC LIMIT 1', [ref]);
  if (byName) return byName;
  if (/^[0-9a-z]{6,}$/i.test(ref)) {
    const matches = db.all<ExperimentRow>("SELECT * FROM [experiments] WHERE [id] LIKE ? || '%' ORDER BY [id] DESC LIMIT 5", [ref.toLowerCase()]);
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new LlmError(`'${ref}' is the start of several experiment ids (${matches.map((m) => m.id).join(', ')}): give more of it.`);
  }
  throw new LlmError(`No experiment '${ref}' in the log: 'llm experiments list' shows the ids and names.`);
}

/** An experiment's metrics, runs (with values and response links), prompt versions and bots. */
export function loadExperiment(db: SqlDatabase, experiment: ExperimentRow): ExperimentDetails {
  return { ...loadSetup(db, experiment), runs: loadRuns(db, experiment.id) };
}

/** A summary of an experiment read whole (`show --json`, reports): its runs as `loadRunColumns` reads them. */
export function summaryOf(details: ExperimentDetails): ExperimentSummary {
  return { ...details, runs: columnsOfRuns(details.runs, details.metrics.map((m) => m.name)) };
}

/** Runs whole (values, output, info, response links), oldest first: all, or the first `limit`. */
export function loadRuns(db: SqlDatabase, experimentId: string, limit?: number): RunRow[] {
  // The runs wanted, as a subquery the values and links are read for.
  const runs = `SELECT [id] FROM [experiment_runs] WHERE [experiment_id] = ?${limit === undefined ? '' : ` ORDER BY [run_index] LIMIT ${Math.floor(limit)}`}`;
  const rows = db.all<{ id: string; run_index: number; status: 'ok' | 'error'; error: string | null; started_at: string; duration_ms: number; pipeline_ms: number | null; input: string | null; output: string | null; info: string | null }>(
    `SELECT [id], [run_index], [status], [error], [started_at], [duration_ms], [pipeline_ms], [input], [output], [info] FROM [experiment_runs] WHERE [experiment_id] = ? ORDER BY [run_index]${limit === undefined ? '' : ` LIMIT ${Math.floor(limit)}`}`,
    [experimentId],
  );
  const values = new Map<string, { metrics: Record<string, number | null>; errors: Record<string, string> }>();
  for (const row of db.all<{ run_id: string; metric: string; value: number | null; error: string | null }>(
    `SELECT v.[run_id], v.[metric], v.[value], v.[error] FROM [experiment_metric_values] v WHERE v.[run_id] IN (${runs})`,
    [experimentId],
  )) {
    let entry = values.get(row.run_id);
    if (!entry) values.set(row.run_id, (entry = { metrics: {}, errors: {} }));
    entry.metrics[row.metric] = row.value === null ? null : Number(row.value);
    if (row.error) entry.errors[row.metric] = row.error;
  }
  const links = new Map<string, { id: string; source: string | null }[]>();
  for (const row of db.all<{ run_id: string; response_id: string; source: string | null }>(
    `SELECT l.[run_id], l.[response_id], l.[source] FROM [experiment_run_responses] l WHERE l.[run_id] IN (${runs}) ORDER BY l.[run_id], l.[position]`,
    [experimentId],
  )) {
    let list = links.get(row.run_id);
    if (!list) links.set(row.run_id, (list = []));
    list.push({ id: row.response_id, source: row.source });
  }
  return rows.map((row) => ({
    id: row.id,
    index: row.run_index,
    status: row.status,
    error: row.error,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    pipelineMs: row.pipeline_ms,
    input: parseColumn(row.input),
    output: parseColumn(row.output),
    info: parseColumn(row.info) as Record<string, unknown> | null,
    metrics: values.get(row.id)?.metrics ?? {},
    metricErrors: values.get(row.id)?.errors ?? {},
    responses: links.get(row.id) ?? [],
  }));
}

/**
 * An experiment's metrics, the prompt versions and bots its runs used (with how many runs), and
 * its shards and batches; `usage` gives the prompt versions and bots when the caller has them
 * (a stored summary), instead of counting the runs, and `metrics` the metrics it read already.
 */
export function loadSetup(db: SqlDatabase, experiment: ExperimentRow, usage: RunUsage = loadUsage(db, experiment.id), metrics: readonly MetricRow[] = loadMetrics(db, experiment.id)): ExperimentSetup {
  const shards = db
    .all<{ shard: number; shards: number; status: string }>('SELECT [shard], [shards], [status] FROM [experiment_shards] WHERE [experiment_id] = ? ORDER BY [shard]', [experiment.id])
    .map((s) => ({ index: s.shard, count: s.shards, status: s.status }));
  const batches = db.all<BatchUsage>(
    'SELECT [id], [step], [model], [requests], [status], [completed], [failed] FROM [experiment_batches] WHERE [experiment_id] = ? ORDER BY [created_at], [id]',
    [experiment.id],
  );
  return { experiment, metrics, prompts: usage.prompts, bots: usage.bots, shards, batches };
}

/** The metrics an experiment scored, in their order. */
export function loadMetrics(db: SqlDatabase, experimentId: string): MetricRow[] {
  return db.all<MetricRow>('SELECT [name], [description], [better], [kind] FROM [experiment_metrics] WHERE [experiment_id] = ? ORDER BY [position]', [experimentId]);
}

/** The prompt versions and bots an experiment's runs used, with how many runs used each. */
export interface RunUsage {
  readonly prompts: readonly PromptUsage[];
  readonly bots: readonly BotUsage[];
}

/** Counts the runs per prompt version and per bot (from the runs' index), then joins what they are. */
export function loadUsage(db: SqlDatabase, experimentId: string): RunUsage {
  const prompts = db.all<{ name: string; hash: string; role: string; previous_hash: string | null; runs: number }>(
    `SELECT g.[name], g.[hash], v.[role], v.[previous_hash], g.[runs] FROM
       (SELECT p.[name], p.[hash], COUNT(*) AS runs FROM [experiment_runs] r JOIN [experiment_run_prompts] p ON p.[run_id] = r.[id]
         WHERE r.[experiment_id] = ? GROUP BY p.[name], p.[hash]) g
       LEFT JOIN [prompt_versions] v ON v.[name] = g.[name] AND v.[hash] = g.[hash]
      ORDER BY g.[name], v.[id]`,
    [experimentId],
  ).map((row) => ({ name: row.name, hash: row.hash, role: row.role, previousHash: row.previous_hash, runs: row.runs }));
  const bots = db.all<{ name: string; kind: string; model: string; system: string | null; options: string; runs: number }>(
    `SELECT b.[name], b.[kind], b.[model], b.[system], b.[options], g.[runs] FROM
       (SELECT rb.[bot_id], COUNT(*) AS runs FROM [experiment_runs] r JOIN [experiment_run_bots] rb ON rb.[run_id] = r.[id]
         WHERE r.[experiment_id] = ? GROUP BY rb.[bot_id]) g
       JOIN [experiment_bots] b ON b.[id] = g.[bot_id] ORDER BY b.[name], b.[id]`,
    [experimentId],
  ).map((row) => ({ ...row, options: (parseColumn(row.options) ?? {}) as Record<string, unknown> }));
  return { prompts, bots };
}

/** The versions of a prompt, oldest first, each with the one before it. */
export function promptHistory(db: SqlDatabase, name: string): { hash: string; previousHash: string | null; createdAt: string; experimentId: string | null }[] {
  return db
    .all<{ hash: string; previous_hash: string | null; created_at: string; first_experiment_id: string | null }>(
      'SELECT [hash], [previous_hash], [created_at], [first_experiment_id] FROM [prompt_versions] WHERE [name] = ? ORDER BY [id]',
      [name],
    )
    .map((row) => ({ hash: row.hash, previousHash: row.previous_hash, createdAt: row.created_at, experimentId: row.first_experiment_id }));
}

/** The template text of a prompt version, or undefined when the log lacks it. */
export function promptTemplate(db: SqlDatabase, name: string, hash: string): string | undefined {
  return db.get<{ template: string }>('SELECT [template] FROM [prompt_versions] WHERE [name] = ? AND [hash] = ?', [name, hash])?.template;
}
