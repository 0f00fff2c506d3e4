import type { ExperimentResult, MetricResult } from '../library.js';
import type { BaselineComparison } from './live-comparison.js';
import { currentRow, type Comparison, type MetricComparison } from './compare.js';
import {
  formatDifference,
  formatDifferenceInterval,
  formatDuration,
  formatPValue,
  formatRunValue,
  formatTime,
  baselineCells,
  baselineTitle,
  describeRun,
  formatTook,
  formatValue,
  type FinishedRun,
  metricsTable,
  previewOutput,
  table,
  truncate,
} from './format.js';
import { summaryOf, type ExperimentDetails, type ExperimentListing, type ExperimentSummary, type RunRow } from './queries.js';
import { errorCounts, metricResultsOf, statisticsOf, type ShownExperiment } from './summaries.js';

/** Each metric of a logged experiment, summarized over its runs (as `show` summarizes them from a stored summary). */
export function metricResults(details: Pick<ExperimentSummary, 'metrics' | 'runs'>): MetricResult[] {
  const names = details.metrics.map((m) => m.name);
  return metricResultsOf(details.metrics, { statistics: statisticsOf(details.runs, names), errors: errorCounts(details.runs, names) });
}

/** `llm experiments list`. */
export function formatList(experiments: readonly ExperimentListing[]): string {
  if (experiments.length === 0) return "No experiments logged yet: run one with 'llm experiments run FILE'.\n";
  return (
    table(
      ['id', 'name', 'started', 'runs', 'failed', 'status', 'took'],
      experiments.map((e) => [e.id, truncate(e.name, 40), formatTime(e.started_at), `${e.runs}/${e.executions}`, e.failed > 0 ? String(e.failed) : '', e.status, formatDuration(e.duration_ms)]),
      '___rr__',
    ) + '\n'
  );
}

/**
 * `llm experiments show`: the experiment, its metrics, prompts, bots and (some of) its runs:
 * `shown`, the first `options.runs` runs whole (all of them for 0).
 */
export function formatDetails(details: ShownExperiment, shown: readonly RunRow[], options: { runs: number }): string {
  const { experiment: e, ok } = details;
  const runs = { count: details.count };
  const lines: string[] = [`Experiment ${e.name} (${e.id})`];
  if (e.description) lines.push(`  ${e.description}`);
  if (e.file) lines.push(`  file      ${e.file}`);
  const shards = details.shards ?? [];
  if (shards.length > 0) {
    const count = shards[0]!.count;
    lines.push(`  shards    ${shards.map((s) => `${s.index}${s.status === 'completed' ? '' : ` (${s.status})`}`).join(', ')} of ${count}`);
  }
  lines.push(
    `  status    ${e.status}${diedUnfinished(e) ? ` (process ${e.pid} on ${e.host} ended before it finished)` : ''}: ${runs.count} of ${e.executions} runs logged, ${ok} ok, ${runs.count - ok} failed${e.duration_ms !== null ? `, in ${formatDuration(e.duration_ms)}` : ''}`,
    `  started   ${formatTime(e.started_at)}, concurrency ${e.concurrency}${e.timeout_ms ? `, timeout ${formatDuration(e.timeout_ms)} per run` : ''}`,
  );
  if (e.info) lines.push(`  info      ${truncate(e.info, 100)}`);
  const metrics = details.results;
  lines.push('', 'Metrics (95% CI: t interval for means, Wilson for rates)', metricsTable(metrics));
  const batches = details.batches ?? [];
  if (batches.length > 0) {
    lines.push(
      '',
      'Batches (Batch API, --batch)',
      table(
        ['batch', 'step', 'model', 'requests', 'status', 'answered', 'failed'],
        batches.map((b) => [b.id, String(b.step), b.model, String(b.requests), b.status, b.completed === null ? '' : String(b.completed), b.failed === null ? '' : String(b.failed)]),
        '_r_r_rr',
      ),
    );
  }
  if (details.prompts.length > 0) {
    lines.push(
      '',
      'Prompts',
      table(
        ['prompt', 'role', 'version', 'previous', 'runs'],
        details.prompts.map((p) => [p.name, p.role ?? '', p.hash.slice(0, 8), p.previousHash ? p.previousHash.slice(0, 8) : '(first)', String(p.runs)]),
        '____r',
      ),
    );
  }
  if (details.bots.length > 0) {
    lines.push(
      '',
      'Bots',
      table(
        ['bot', 'model', 'options', 'system prompt', 'runs'],
        details.bots.map((b) => [b.kind === 'structured' ? `${b.name} (structured)` : b.name, b.model, Object.keys(b.options).length > 0 ? JSON.stringify(b.options) : '', b.system ? truncate(b.system, 40) : '', String(b.runs)]),
        '____r',
      ),
    );
  }
  lines.push('', runs.count > shown.length ? `Runs (the first ${shown.length} of ${runs.count}; --runs 0 shows all)` : 'Runs');
  if (runs.count === 0) lines.push('  (none logged)');
  else {
    const kinds = new Map(metrics.map((m) => [m.name, m.kind]));
    lines.push(
      table(
        ['#', 'status', 'took', ...details.metrics.map((m) => m.name), 'responses', 'output / error'],
        shown.map((run) => [
          String(run.index),
          run.status,
          formatTook(run.durationMs, run.status === 'ok' && details.metrics.length > 0 ? run.pipelineMs : undefined),
          ...details.metrics.map((m) => (run.metricErrors[m.name] ? 'error' : formatRunValue(run.metrics[m.name], kinds.get(m.name)))),
          String(run.responses.length),
          run.status === 'ok' ? previewOutput(run.output) : truncate(run.error ?? '', 60),
        ]),
        'r_r' + 'r'.repeat(details.metrics.length) + 'r_',
      ),
    );
    const metricErrors = shown.flatMap((run) => Object.values(run.metricErrors).map((message) => `  #${run.index}: ${truncate(message, 100)}`));
    if (metricErrors.length > 0) lines.push('', 'Metric errors', ...metricErrors.slice(0, 10), ...(metricErrors.length > 10 ? [`  ... and ${metricErrors.length - 10} more`] : []));
  }
  return lines.join('\n') + '\n';
}

/** `show --json`: everything, with parsed JSON columns. */
export function detailsJson(details: ExperimentDetails): object {
  const { experiment: e } = details;
  return {
    ...e,
    info: e.info ? (JSON.parse(e.info) as unknown) : null,
    metrics: metricResults(summaryOf(details)),
    prompts: details.prompts,
    bots: details.bots,
    runs: details.runs,
  };
}

/** `llm experiments compare`: both means, the difference, its interval, p-values and verdict; then the plans. */
export function formatComparison(comparison: Comparison): string {
  const { a, b, metrics } = comparison;
  const holm = comparison.correction === 'holm';
  const first = metrics.find((m) => m.inputs !== null);
  const lines = [
    `A: ${a.name} (${a.id}), ${formatTime(a.started_at)}`,
    `B: ${b.name} (${b.id}), ${formatTime(b.started_at)}`,
    comparison.paired
      ? `Paired by input: both ran the same ${first?.inputs ?? ''} inputs; each input's runs are averaged, then B - A is tested over inputs.`.replace('same  inputs', 'same inputs')
      : "Unpaired: the experiments' inputs differ (or they have none): Welch's interval for means, Newcombe's for rates.",
    '',
    metrics.length === 0
      ? '  (no metric in both experiments)'
      : table(
          ['metric', 'n', 'mean A', 'mean B', 'B - A', '95% CI', 'p', ...(holm ? ['p (Holm)'] : []), '', 'verdict', 'method'],
          metrics.map((m) => [
            m.name,
            m.inputs !== null ? `${m.inputs} inputs (${m.executionsA}/${m.executionsB} runs)` : `${m.executionsA}/${m.executionsB} runs`,
            formatValue(m.a.mean, m.kind),
            formatValue(m.b.mean, m.kind),
            formatDifference(m.difference, m.kind),
            formatDifferenceInterval(m.ci, m.kind),
            formatPValue(m.pValue),
            ...(holm ? [formatPValue(m.pAdjusted)] : []),
            m.significant ? '*' : '',
            m.verdict === 'better' || m.verdict === 'worse' ? `${m.verdict} (${m.better} is better)` : m.verdict,
            METHODS[m.method],
          ]),
          holm ? '_rrrrrrr___' : '_rrrrrr___',
        ),
    '',
    holm
      ? `* significant at 5% after Holm's correction across the ${metrics.filter((m) => m.pValue !== null).length} metrics (p (Holm)); each interval is 95% for its metric alone.`
      : '* significant at 5% (p), each metric tested on its own: with many metrics, expect an occasional false alarm.',
  ];
  const plans = metrics.filter((m) => m.plan !== null || m.verdict === 'not enough runs');
  if (plans.length > 0) {
    lines.push('', 'To detect a difference (80% power unless --power, 5% two-sided):');
    for (const m of plans) lines.push(`  ${m.name}: ${planSentence(m)}`);
  }
  return lines.join('\n') + '\n';
}

/** How each comparison method is named in output. */
export const METHODS: Record<MetricComparison['method'], string> = {
  'paired-t': 'paired t',
  mcnemar: 'McNemar exact',
  welch: 'Welch',
  newcombe: 'Newcombe, Fisher exact p',
};

/** One sentence about what it takes to detect a metric's difference. */
export function planSentence(m: MetricComparison): string {
  if (!m.plan) {
    if (m.ci === null) return `not enough runs: at least 2 ${m.inputs !== null ? 'inputs' : 'runs'} with values on each side are needed to estimate a difference.`;
    return 'no plan: the values do not vary, or there is no difference to detect (give one with --detect).';
  }
  const row = currentRow(m);
  const unit = m.plan.design === 'paired' ? 'inputs' : 'inputs per experiment';
  const delta = formatDifference(m.plan.delta, m.kind).replace(/^[+±]/, '');
  const best = m.plan.rows.filter((r) => r.inputs !== null).sort((x, y) => x.runs! - y.runs!)[0];
  if (!row || row.inputs === null) return `a difference of ${delta} needs more than 10 million ${unit}.`;
  const have = m.inputs ?? Math.round(Math.min(m.executionsA, m.executionsB) / row.executionsPerInput);
  return (
    `${m.verdict === 'not enough runs' ? 'not enough runs: ' : ''}a difference of ${delta} needs ${row.inputs} ${unit} at ${row.executionsPerInput} execution${row.executionsPerInput === 1 ? '' : 's'} each (${row.runs} runs; there are ${have})` +
    (best && best.executionsPerInput !== row.executionsPerInput ? `, or ${best.inputs} at ${best.executionsPerInput} each (${best.runs} runs)` : '') +
    '; llm experiments plan shows more.'
  );
}

/** The warning about what differs between two experiments' setups, or nothing. */
export function formatDifferences(comparison: Comparison): string | undefined {
  if (comparison.differences.length === 0) return undefined;
  return `the experiments differ in: ${comparison.differences.join('; ')}`;
}

/**
 * One plain line per finished run (without a terminal): `[4/10] #3 ok 1.4 s (pipeline 212 ms) length=42 json-valid=true`.
 * The time is the run's total, with its pipeline's part when metrics scored it.
 */
export function formatRunLine(run: FinishedRun, finished: number, planned: number): string {
  return `[${finished}/${planned}] ${describeRun(run, 200)}`;
}

/** Logged as running, but its process is gone (see currentStatus): it never finished. */
function diedUnfinished(e: { status: string; finished_at: string | null; pid: number | null }): boolean {
  return e.status === 'interrupted' && e.finished_at === null && e.pid !== null;
}

/** The summary printed when an experiment ends. */
export function formatSummary(result: ExperimentResult): string {
  const planned = result.finished + result.cancelled + result.notStarted;
  const of = result.shard ? `${planned} (shard ${result.shard.index}/${result.shard.count} of ${result.executions})` : String(planned);
  const lines = [
    `${result.name}${result.id ? ` (${result.id})` : ''}: ${result.status}, ${result.finished} of ${of} runs${result.resumed ? ` (${result.resumed} logged before)` : ''}, ${result.ok} ok, ${result.failed} failed, in ${formatDuration(result.durationMs)}` +
      (result.cached ? `; ${result.cached} answered from the cache` : '') +
      (result.cancelled > 0 ? `; ${result.cancelled} cancelled` : '') +
      (result.notStarted > 0 ? `; ${result.notStarted} not started` : ''),
    metricsTable(result.metrics),
  ];
  if (result.errors.length > 0) {
    lines.push('First errors:', ...result.errors.slice(0, 5).map((e) => `  #${e.index}: ${truncate(e.message, 120)}`));
  }
  if (result.id) lines.push(`Logged to ${result.database}; see it with: llm experiments show ${result.id}`);
  return lines.join('\n') + '\n';
}

/** After the summary, with --baseline: each metric against the baseline (95% intervals, each metric alone). */
export function formatBaselineComparison(comparison: BaselineComparison): string {
  const { header, rows } = baselineCells(comparison);
  return `${baselineTitle(comparison)}\n${rows.length === 0 ? '  (no metrics)' : table(header, rows, '_rrrrr_')}\n`;
}
