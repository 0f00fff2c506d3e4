import type { Llm, SqlDatabase } from 'llm-host';
import { metricStats } from '../lib/comparison.js';
import { metricSample } from './metric-samples.js';
import { loadSetup, loadUsage, type ExperimentRow, type ExperimentSetup, type ExperimentSummary } from './queries.js';
import { loadRunColumns, type RunColumns } from './run-metrics.js';
import { readStoredSummary, runsFingerprint, writeStoredSummary, type ExperimentStatistics, type RunsFingerprint, type StoredSummary } from './stored-statistics.js';

/** An experiment as `compareExperiments` reads it: its setup and its statistics. */
export interface ComparableExperiment extends ExperimentSetup {
  readonly statistics: ExperimentStatistics;
}

/** A summary computed from the runs because the log had none for them, to be stored (see `storeSummaries`). */
export interface UnsavedSummary {
  readonly experimentId: string;
  readonly fingerprint: RunsFingerprint;
  readonly summary: StoredSummary;
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

/**
 * An experiment for `compareExperiments`: from its stored summary when that covers its runs, else
 * from every run (and then, unless it is still running, the summary to store).
 */
export function loadComparable(db: SqlDatabase, experiment: ExperimentRow): { experiment: ComparableExperiment; unsaved?: UnsavedSummary } {
  const fingerprint = runsFingerprint(db, experiment.id);
  const names = db.all<{ name: string }>('SELECT [name] FROM [experiment_metrics] WHERE [experiment_id] = ? ORDER BY [position]', [experiment.id]).map((m) => m.name);
  const stored = readStoredSummary(db, experiment.id, fingerprint, names);
  if (stored) return { experiment: { ...loadSetup(db, experiment, stored), statistics: stored.statistics } };
  const { experiment: computed, summary } = computeSummary(db, experiment);
  return { experiment: computed, ...(experiment.status === 'running' ? {} : { unsaved: { experimentId: experiment.id, fingerprint, summary } }) };
}

/**
 * Stores the summaries a compare computed, so the next one reads them (best effort: a log that
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
    if (process.env.LLM_DEBUG === '1') process.stderr.write(`The experiments' summaries were not stored: ${(error as Error).message}\n`);
  }
}

/**
 * Stores the summary of a logged experiment's runs, computed from them (after `llm experiments
 * run` or `resume`, so that a compare reads it at once): best effort, as `storeSummaries`.
 */
export async function summarizeLogged(llm: Llm, database: string | undefined, experimentId: string): Promise<void> {
  try {
    const store = await llm.logStore(database);
    await store.write((db) => {
      const row = db.get<ExperimentRow>('SELECT * FROM [experiments] WHERE [id] = ?', [experimentId]);
      if (!row) return;
      const fingerprint = runsFingerprint(db, experimentId);
      writeStoredSummary(db, experimentId, fingerprint, computeSummary(db, row).summary);
    });
  } catch (error) {
    if (process.env.LLM_DEBUG === '1') process.stderr.write(`The experiment's summary was not stored: ${(error as Error).message}\n`);
  }
}

/** The experiment and its summary, from every run. */
function computeSummary(db: SqlDatabase, experiment: ExperimentRow): { experiment: ComparableExperiment; summary: StoredSummary } {
  const setup = loadSetup(db, experiment, loadUsage(db, experiment.id));
  const runs = loadRunColumns(db, experiment.id, setup.metrics.map((m) => m.name), { inputs: true });
  const statistics = statisticsOf(runs, setup.metrics.map((m) => m.name));
  return { experiment: { ...setup, statistics }, summary: { statistics, prompts: setup.prompts, bots: setup.bots } };
}
