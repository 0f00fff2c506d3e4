import type { SqlDatabase } from 'llm-host';
import type { MetricStats } from '../lib/comparison.js';
import type { GroupMoments } from '../lib/planning.js';
import type { BotUsage, PromptUsage } from './queries.js';

/**
 * An experiment's statistics kept in the log (`experiment_summaries`), so that `llm experiments
 * show` and `compare` read one row per experiment instead of every run: how many runs were ok,
 * the inputs, each metric's moments (`MetricStats`: overall, and per input) and errors, and the
 * runs per prompt version and per bot. They are
 * exact (JSON writes every double so that it reads back the same), so a comparison from them
 * gives the same figures as one from the runs. A summary says which runs it covers (how many,
 * and the largest rowid among them): when the experiment's runs no longer match (runs added by a
 * resume or a merge), it is not used, and the next compare writes a new one.
 */

/** An experiment's statistics: its inputs and each metric's statistics. */
export interface ExperimentStatistics {
  /** The distinct inputs (canonical JSON) in the order of their first run; null when some run has none. */
  readonly inputs: readonly string[] | null;
  /** By metric name. */
  readonly metrics: ReadonlyMap<string, MetricStats>;
}

/** What a stored summary holds. */
export interface StoredSummary {
  /** How many runs, and how many of them ok. */
  readonly runs: number;
  readonly ok: number;
  /** By metric name: the runs whose metric failed (no value, an error). */
  readonly errors: Readonly<Record<string, number>>;
  readonly statistics: ExperimentStatistics;
  readonly prompts: readonly PromptUsage[];
  readonly bots: readonly BotUsage[];
}

/** Which runs a summary covers: how many, and the largest rowid among them. */
export interface RunsFingerprint {
  readonly runs: number;
  readonly last: number;
}

/** The format of the summary's JSON: a summary of another format is computed again. */
const FORMAT = 1;

/** The experiment's runs as a summary of them would say (read from the runs' index alone). */
export function runsFingerprint(db: SqlDatabase, experimentId: string): RunsFingerprint {
  const row = db.get<{ runs: number; last: number | null }>('SELECT count(*) AS [runs], max([rowid]) AS [last] FROM [experiment_runs] WHERE [experiment_id] = ?', [experimentId]);
  return { runs: Number(row?.runs ?? 0), last: Number(row?.last ?? 0) };
}

/** The stored summary of the experiment when it covers exactly these runs and these metrics, else undefined. */
export function readStoredSummary(db: SqlDatabase, experimentId: string, fingerprint: RunsFingerprint, metrics: readonly string[]): StoredSummary | undefined {
  const row = db.get<{ runs: number; last_rowid: number; format: number; summary: string }>(
    'SELECT [runs], [last_rowid], [format], [summary] FROM [experiment_summaries] WHERE [experiment_id] = ?',
    [experimentId],
  );
  if (!row || Number(row.format) !== FORMAT || Number(row.runs) !== fingerprint.runs || Number(row.last_rowid) !== fingerprint.last) return undefined;
  // A summary that does not read (edited by hand, cut short) is as good as none: the runs are read.
  try {
    const data = JSON.parse(row.summary) as SummaryJson;
    if (!metrics.every((name) => data.metrics[name] !== undefined && data.errors[name] !== undefined)) return undefined;
    const inputs = data.inputs;
    return {
      runs: fingerprint.runs,
      ok: data.ok,
      errors: data.errors,
      statistics: { inputs, metrics: new Map(metrics.map((name) => [name, decodeMetric(data.metrics[name]!, inputs)])) },
      prompts: data.prompts,
      bots: data.bots,
    };
  } catch {
    return undefined;
  }
}

/** Stores the summary of the runs `fingerprint` describes, in place of any before. */
export function writeStoredSummary(db: SqlDatabase, experimentId: string, fingerprint: RunsFingerprint, summary: StoredSummary): void {
  const data: SummaryJson = {
    ok: summary.ok,
    errors: summary.errors,
    inputs: summary.statistics.inputs,
    metrics: Object.fromEntries([...summary.statistics.metrics].map(([name, stats]) => [name, encodeMetric(stats)])),
    prompts: summary.prompts,
    bots: summary.bots,
  };
  db.run('INSERT OR REPLACE INTO [experiment_summaries] ([experiment_id], [runs], [last_rowid], [format], [summary]) VALUES (?, ?, ?, ?, ?)', [
    experimentId,
    fingerprint.runs,
    fingerprint.last,
    FORMAT,
    JSON.stringify(data),
  ]);
}

/** A number as JSON keeps it: NaN, the infinities and -0, which JSON does not write, as text. */
type JsonNumber = number | string;

interface MetricJson {
  readonly n: number;
  readonly mean: JsonNumber;
  readonly variance: JsonNumber;
  readonly min: JsonNumber | null;
  readonly max: JsonNumber | null;
  readonly integers: boolean;
  /** Per input, in the order of `inputs`: sizes, means and variances; null when the runs have no inputs. */
  readonly groups: { readonly n: readonly number[]; readonly mean: readonly JsonNumber[]; readonly variance: readonly JsonNumber[] } | null;
}

interface SummaryJson {
  readonly ok: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly inputs: readonly string[] | null;
  readonly metrics: Readonly<Record<string, MetricJson>>;
  readonly prompts: readonly PromptUsage[];
  readonly bots: readonly BotUsage[];
}

function encodeMetric(stats: MetricStats): MetricJson {
  const { moments, groups } = stats;
  const list = groups ? [...groups.values()] : null;
  return {
    n: moments.n,
    mean: encode(moments.mean),
    variance: encode(moments.variance),
    min: moments.min === null ? null : encode(moments.min),
    max: moments.max === null ? null : encode(moments.max),
    integers: stats.integers,
    groups: list ? { n: list.map((g) => g.n), mean: list.map((g) => encode(g.mean)), variance: list.map((g) => encode(g.variance)) } : null,
  };
}

function decodeMetric(json: MetricJson, inputs: readonly string[] | null): MetricStats {
  let groups: Map<string, GroupMoments> | null = null;
  if (json.groups && inputs) {
    groups = new Map();
    for (let i = 0; i < inputs.length; i++) groups.set(inputs[i]!, { n: json.groups.n[i]!, mean: decode(json.groups.mean[i]!), variance: decode(json.groups.variance[i]!) });
  }
  return {
    moments: { n: json.n, mean: decode(json.mean), variance: decode(json.variance), min: json.min === null ? null : decode(json.min), max: json.max === null ? null : decode(json.max) },
    integers: json.integers,
    groups,
  };
}

function encode(value: number): JsonNumber {
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

function decode(value: JsonNumber): number {
  return typeof value === 'number' ? value : Number(value);
}
