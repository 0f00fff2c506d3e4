import type { Llm, SqlDatabase } from 'llm-host';
import { metricStats } from '../lib/comparison.js';
import type { MetricResult } from '../lib/experiment.js';
import { summarizeMoments } from '../lib/statistics.js';
import { metricSample } from './metric-samples.js';
import { loadMetrics, loadSetup, loadUsage, type ExperimentRow, type ExperimentSetup, type ExperimentSummary, type MetricRow } from './queries.js';
import { loadRunColumns, type RunColumns } from './run-metrics.js';
import { readStoredSummary, runsFingerprint, writeStoredSummary, type ExperimentStatistics, type RunsFingerprint, type StoredSummary } from './stored-statistics.js';

/**
 * An experiment summarized, as `show` and `compare` read it: from its stored summary
 * (experiment_summaries, see stored-statistics.ts) when that covers its runs, else from every run,
 * and then (unless it is still running) with the summary to store.
 */

/** An experiment as `compareExperiments` reads it: its setup and its statistics. */
export interface ComparableExperiment extends ExperimentSetup {
  readonly statistics: ExperimentStatistics;
}

/** An experiment as `show` lists it: its setup, how many runs (and how many ok), and each metric summarized. */
export interface ShownExperiment extends ExperimentSetup {
  readonly count: number;
  readonly ok: number;
  readonly results: readonly MetricResult[];
}

/** A summary computed from the runs because the log had none for them, to be stored (see `storeSummaries`). */
export interface UnsavedSummary {
  readonly experimentId: string;
  readonly fingerprint: RunsFingerprint;
  readonly summary: StoredSummary;
}

/** An experiment summarized, and the summary to store when it came from the runs. */
export interface SummaryRead {
  readonly setup: ExperimentSetup;
  readonly summary: StoredSummary;
  readonly unsaved?: UnsavedSummary;
}

/** Each metric's statistics over runs already read. */
export function statisticsOf(runs: RunColumns, metrics: readonly string[]): ExperimentStatistics {
  return { inputs: runs.inputs?.keys ?? null, metrics: new Map(metrics.map((name) => [name, metricStats(metricSample(runs, name))])) };
}

/** An experiment read whole (or summarized from its runs) as `compareExperiments` reads it. */
export function comparableOf(summary: ExperimentSummary): ComparableExperiment {
  const { runs, ...setup } = summary;
  return { ...setup, statistics: statisticsOf(runs, summary.metrics.map((m) => m.name)) };
}

/** The experiment for `compareExperiments` (see `loadSummary`). */
export function loadComparable(db: SqlDatabase, experiment: ExperimentRow): { experiment: ComparableExperiment; unsaved?: UnsavedSummary } {
  const { setup, summary, unsaved } = loadSummary(db, experiment);
  return { experiment: { ...setup, statistics: summary.statistics }, ...(unsaved ? { unsaved } : {}) };
}

/** The experiment for `show` (see `loadSummary`). */
export function loadShown(db: SqlDatabase, experiment: ExperimentRow): { experiment: ShownExperiment; unsaved?: UnsavedSummary } {
  const { setup, summary, unsaved } = loadSummary(db, experiment);
  return { experiment: { ...setup, count: summary.runs, ok: summary.ok, results: metricResultsOf(setup.metrics, summary) }, ...(unsaved ? { unsaved } : {}) };
}

/**
 * Each metric summarized as `show` prints it (n, mean, sd, extremes, 95% interval, errors): the
 * figures `summarize` gives from the values, here from their moments.
 */
export function metricResultsOf(metrics: readonly MetricRow[], summary: Pick<StoredSummary, 'statistics' | 'errors'>): MetricResult[] {
  return metrics.map((metric) => {
    const stats = summary.statistics.metrics.get(metric.name)!;
    const kind = metric.kind ?? (stats.integers ? 'integer' : 'number');
    return { name: metric.name, description: metric.description ?? undefined, better: metric.better, ...summarizeMoments(stats.moments, kind), errors: summary.errors[metric.name] ?? 0 };
  });
}

/** The experiment's setup and summary: stored, when it covers the runs, else from every run (and then to store, unless it is running). */
export function loadSummary(db: SqlDatabase, experiment: ExperimentRow): SummaryRead {
  const fingerprint = runsFingerprint(db, experiment.id);
  const metrics = loadMetrics(db, experiment.id);
  const stored = readStoredSummary(db, experiment.id, fingerprint, metrics.map((m) => m.name));
  if (stored) return { setup: loadSetup(db, experiment, stored, metrics), summary: stored };
  const { setup, summary } = computeSummary(db, experiment);
  return { setup, summary, ...(experiment.status === 'running' ? {} : { unsaved: { experimentId: experiment.id, fingerprint, summary } }) };
}

/**
 * Stores the summaries a read computed, so the next one reads them (best effort: a log that
 * cannot be written, or is busy, keeps none). Not on sql.js, whose writes rewrite the whole file:
 * its reads never write. A summary is stored only if the runs are still the ones it covers.
 */
export async function storeSummaries(llm: Llm, database: string | undefined, unsaved: readonly UnsavedSummary[]): Promise<void> {
  if (unsaved.length === 0) return;
  try {
    const store = await llm.logStore(database);
    if (store.engine === 'sql.js') return;
    await store.write((db) => {
      for (const entry of unsaved) {
        const now = runsFingerprint(db, entry.experimentId);
        if (now.runs === entry.fingerprint.runs && now.last === entry.fingerprint.last) writeStoredSummary(db, entry.experimentId, entry.fingerprint, entry.summary);
      }
    });
  } catch (error) {
    notStored(error);
  }
}

/**
 * Stores the summary of a logged experiment's runs, computed from them (after `llm experiments
 * run` or `resume`, so that `show` and `compare` read it at once): best effort, as `storeSummaries`.
 */
export async function summarizeLogged(llm: Llm, database: string | undefined, experimentId: string): Promise<void> {
  try {
    const store = await llm.logStore(database);
    await store.write((db) => {
      const row = db.get<ExperimentRow>('SELECT * FROM [experiments] WHERE [id] = ?', [experimentId]);
      if (row) writeStoredSummary(db, experimentId, runsFingerprint(db, experimentId), computeSummary(db, row).summary);
    });
  } catch (error) {
    notStored(error);
  }
}

function notStored(error: unknown): void {
  if (process.env.LLM_DEBUG === '1') process.stderr.write(`An experiment summary was not stored: ${(error as Error).message}\n`);
}

/** The experiment's setup and summary, from every run. */
function computeSummary(db: SqlDatabase, experiment: ExperimentRow): { setup: ExperimentSetup; summary: StoredSummary } {
  const setup = loadSetup(db, experiment, loadUsage(db, experiment.id));
  const names = setup.metrics.map((m) => m.name);
  const runs = loadRunColumns(db, experiment.id, names, { inputs: true });
  let ok = 0;
  for (const status of runs.statuses) if (status === 'ok') ok++;
  return { setup, summary: { runs: runs.count, ok, errors: errorCounts(runs, names), statistics: statisticsOf(runs, names), prompts: setup.prompts, bots: setup.bots } };
}

/** By metric: the runs whose metric failed (no value, and an error). */
export function errorCounts(runs: RunColumns, metrics: readonly string[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const name of metrics) {
    const column = runs.metrics.get(name)!;
    let count = 0;
    for (let i = 0; i < column.values.length; i++) if ((column.values[i] === null || column.values[i] === undefined) && column.errors[i]) count++;
    errors[name] = count;
  }
  return errors;
}
