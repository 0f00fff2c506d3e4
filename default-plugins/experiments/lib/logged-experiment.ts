import type { LogStore, SqlDatabase } from 'llm-host';
import { LlmError } from 'llm-host';
import type { Shard } from './shards.js';
import { kindOf, type MetricKind } from './statistics.js';

/** A run already in the log, as resuming needs it: to skip it and count it in the summary. */
export interface LoggedRun {
  readonly index: number;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly metrics: Readonly<Record<string, { readonly value: number | null; readonly kind?: MetricKind; readonly error?: string }>>;
}

/** What the log holds of an experiment to resume. */
export interface LoggedExperiment {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly executions: number;
  readonly concurrency: number;
  readonly timeoutMs: number | null;
  /** Milliseconds spent on it so far (null when the process that ran it was killed). */
  readonly durationMs: number | null;
  /** The slices this log ran or merged (empty: it ran whole). */
  readonly shards: readonly (Shard & { readonly status: string })[];
  /** Its logged runs, one per run index (the first logged, should an index be there twice). */
  readonly runs: readonly LoggedRun[];
}

/** Reads an experiment (by its exact id) with its runs and their metric values. */
export async function readLoggedExperiment(store: LogStore, id: string): Promise<LoggedExperiment> {
  const found = await store.read((db) => loggedExperiment(db, id));
  if (!found) throw new LlmError(`No experiment '${id}' in ${store.path}: 'llm experiments list' shows the ids and names.`);
  return found;
}

function loggedExperiment(db: SqlDatabase, id: string): LoggedExperiment | undefined {
  const row = db.get<{ id: string; name: string; status: string; executions: number; concurrency: number; timeout_ms: number | null; duration_ms: number | null }>(
    'SELECT [id], [name], [status], [executions], [concurrency], [timeout_ms], [duration_ms] FROM [experiments] WHERE [id] = ?',
    [id],
  );
  if (!row) return undefined;
  const kinds = new Map(db.all<{ name: string; kind: MetricKind | null }>('SELECT [name], [kind] FROM [experiment_metrics] WHERE [experiment_id] = ?', [id]).map((m) => [m.name, m.kind]));
  const runs = new Map<string, { index: number; status: 'ok' | 'error'; error?: string; metrics: Record<string, { value: number | null; kind?: MetricKind; error?: string }> }>();
  const indexes = new Set<number>();
  for (const run of db.all<{ id: string; run_index: number; status: 'ok' | 'error'; error: string | null }>(
    'SELECT [id], [run_index], [status], [error] FROM [experiment_runs] WHERE [experiment_id] = ? ORDER BY [run_index], [id]',
    [id],
  )) {
    if (indexes.has(run.run_index)) continue;
    indexes.add(run.run_index);
    runs.set(run.id, { index: run.run_index, status: run.status, ...(run.error ? { error: run.error } : {}), metrics: {} });
  }
  const values = new Map<string, number[]>();
  const rows = db.all<{ run_id: string; metric: string; value: number | null; error: string | null }>(
    `SELECT v.[run_id], v.[metric], v.[value], v.[error] FROM [experiment_metric_values] v
       JOIN [experiment_runs] r ON r.[id] = v.[run_id] WHERE r.[experiment_id] = ?`,
    [id],
  );
  for (const value of rows) {
    if (value.value === null || !runs.has(value.run_id)) continue;
    let list = values.get(value.metric);
    if (!list) values.set(value.metric, (list = []));
    list.push(Number(value.value));
  }
  for (const value of rows) {
    const run = runs.get(value.run_id);
    if (!run) continue;
    // A run killed before the end has no kinds logged: they are seen from the values.
    const kind = kinds.get(value.metric) ?? kindOf(values.get(value.metric) ?? []);
    run.metrics[value.metric] = value.value === null ? { value: null, ...(value.error ? { error: value.error } : {}) } : { value: Number(value.value), kind };
  }
  const shards = db
    .all<{ shard: number; shards: number; status: string }>('SELECT [shard], [shards], [status] FROM [experiment_shards] WHERE [experiment_id] = ? ORDER BY [shard]', [id])
    .map((s) => ({ index: s.shard, count: s.shards, status: s.status }));
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    executions: row.executions,
    concurrency: row.concurrency,
    timeoutMs: row.timeout_ms,
    durationMs: row.duration_ms,
    shards,
    runs: [...runs.values()],
  };
}
