import type { Interval, MetricKind, MetricResult } from '../library.js';
import type { BaselineComparison } from './live-comparison.js';

/**
 * Text formatting shared by the commands and the live view: numbers with sensible precision,
 * booleans as percentages, intervals, durations and aligned tables.
 */

/** A number with precision that fits its size: 412.3, 4.25, 0.125, 12. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** A metric's value or mean: a proportion as a percentage for boolean metrics. */
export function formatValue(value: number | null | undefined, kind: MetricKind | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return kind === 'boolean' ? `${(value * 100).toFixed(1)}%` : formatNumber(value);
}

/** One run's value: true/false for a boolean metric. */
export function formatRunValue(value: number | null | undefined, kind: MetricKind | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return kind === 'boolean' ? (value ? 'true' : 'false') : formatNumber(value);
}

/** An interval: [3.21, 6.79], or [59.6%, 98.2%] for a boolean metric. */
export function formatInterval(interval: Interval | null | undefined, kind: MetricKind | null | undefined): string {
  if (!interval) return '-';
  return `[${formatValue(interval.low, kind)}, ${formatValue(interval.high, kind)}]`;
}

/** A signed difference: +0.70, or +10.0 pts (percentage points) for a boolean metric. */
export function formatDifference(value: number | null | undefined, kind: MetricKind | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const sign = value > 0 ? '+' : value < 0 ? '-' : '±';
  return kind === 'boolean' ? `${sign}${Math.abs(value * 100).toFixed(1)} pts` : `${sign}${formatNumber(Math.abs(value))}`;
}

/** An interval of a difference, signed: [+0.21, +1.19], or in percentage points. */
export function formatDifferenceInterval(interval: Interval | null | undefined, kind: MetricKind | null | undefined): string {
  if (!interval) return '-';
  const one = (v: number) => (kind === 'boolean' ? `${v > 0 ? '+' : v < 0 ? '-' : ''}${Math.abs(v * 100).toFixed(1)}` : `${v > 0 ? '+' : v < 0 ? '-' : ''}${formatNumber(Math.abs(v))}`);
  return `[${one(interval.low)}, ${one(interval.high)}]${kind === 'boolean' ? ' pts' : ''}`;
}

/** A duration: 512 ms, 12.3 s, 4 min 05 s, 1 h 02 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * How long a run took: its total, with its pipeline's part when that is given (a run's metrics,
 * a judge's requests say, take the rest): `1.4 s (pipeline 0.2 s)`.
 */
export function formatTook(totalMs: number | null | undefined, pipelineMs?: number | null): string {
  const total = formatDuration(totalMs);
  return pipelineMs === null || pipelineMs === undefined ? total : `${total} (pipeline ${formatDuration(pipelineMs)})`;
}

/** A log timestamp (`2025-01-31T12:00:00.123000+00:00`) as `2025-01-31 12:00:00 UTC`. */
export function formatTime(utc: string | null | undefined): string {
  if (!utc) return '-';
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)} UTC`;
}

/** Text cut to `max` characters on one line, with an ellipsis. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, Math.max(0, max - 1))}…` : line;
}

/** A run's output as a short preview: strings as they are, anything else as JSON. */
export function previewOutput(output: unknown, max = 60): string {
  if (output === undefined) return '';
  return truncate(typeof output === 'string' ? output : (JSON.stringify(output) ?? String(output)), max);
}

/** A table with aligned columns (numbers right-aligned when `align` says `r`), indented by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: string = ''): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `  ${cells
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [line(header), ...rows.map(line)].join('\n');
}

/** The metrics table of `show` and of a run's summary. */
export function metricsTable(metrics: readonly MetricResult[]): string {
  if (metrics.length === 0) return '  (no metrics)';
  return table(
    ['metric', 'n', 'mean', 'sd', 'min', 'max', '95% CI', 'errors'],
    metrics.map((m) => [
      m.better === 'lower' ? `${m.name} (lower is better)` : m.name,
      String(m.n),
      formatValue(m.mean, m.kind),
      m.kind === 'boolean' ? '-' : formatNumber(m.sd),
      formatRunValue(m.min, m.kind),
      formatRunValue(m.max, m.kind),
      formatInterval(m.ci, m.kind),
      m.errors > 0 ? String(m.errors) : '',
    ]),
    '_rrrrr_r',
  );
}

/** A p-value: 0.032, 0.0004, <1e-6; - when there is none. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '-';
  if (p < 1e-6) return '<1e-6';
  if (p >= 0.001) return p >= 0.995 ? '1' : p.toFixed(p < 0.01 ? 4 : 3).replace(/0+$/, '').replace(/\.$/, '');
  return p.toPrecision(1);
}

/** What a run line shows of a finished run. */
export interface FinishedRun {
  readonly index: number;
  readonly status: string;
  readonly error?: string | undefined;
  readonly durationMs: number;
  readonly pipelineMs: number;
  readonly metrics: Readonly<Record<string, { readonly value: number | null; readonly kind?: MetricKind; readonly error?: string }>>;
}

/** A finished run's time: the total, with the pipeline's part when metrics scored it. */
export function runTook(run: Pick<FinishedRun, 'durationMs' | 'pipelineMs' | 'metrics'>): string {
  return formatTook(run.durationMs, Object.keys(run.metrics).length > 0 ? run.pipelineMs : undefined);
}

/** A finished run in one line: `#3 ok 1.4 s (pipeline 212 ms) length=42 json-valid=true`, or `#5 error 30.0 s: timed out`. */
export function describeRun(run: FinishedRun, errorWidth: number): string {
  const head = `#${run.index} ${run.status} ${runTook(run)}`;
  if (run.status !== 'ok') return `${head}: ${truncate(run.error ?? 'failed', errorWidth)}`;
  const values = Object.entries(run.metrics).map(([name, v]) => `${name}=${v.error ? 'error' : formatRunValue(v.value, v.kind)}`);
  return values.length > 0 ? `${head} ${values.join(' ')}` : head;
}

const METHOD_NAMES = { 'paired-t': 'paired t', mcnemar: 'McNemar', welch: 'Welch', newcombe: 'Newcombe' } as const;

/** The cells of the table of a run against its baseline: header, then one row per metric. */
export function baselineCells(comparison: BaselineComparison): { header: string[]; rows: string[][] } {
  return {
    header: ['metric', 'baseline', 'now', 'difference', '95% CI', 'n', 'method'],
    rows: comparison.metrics.map((m) => [
      m.name,
      formatValue(m.baseline, m.kind),
      formatValue(m.current, m.kind),
      formatDifference(m.difference, m.kind),
      formatDifferenceInterval(m.ci, m.kind),
      m.method === null ? '' : m.inputs !== null ? `${m.inputs} inputs` : `${m.executions} runs`,
      m.method === null ? 'not in the baseline' : METHOD_NAMES[m.method],
    ]),
  };
}

/** What the baseline table is about: `Against pitch~1 (01j...), paired by input; now - baseline`. */
export function baselineTitle(comparison: BaselineComparison): string {
  return `Against ${comparison.reference} (${comparison.id}), ${comparison.paired ? 'paired by input' : 'unpaired: the inputs differ'}; now - baseline`;
}
