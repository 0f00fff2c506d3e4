import { UsageError, type MetricDirection } from 'llm-host';
import type { Interval, MetricKind } from '../library.js';
import { comparableOf } from '../services/summaries.js';
import { compareExperiments, type Comparison, type ComparisonOptions, type MetricComparison } from '../services/compare.js';
import { summaryOf, type ExperimentDetails, type ExperimentSummary } from '../services/queries.js';
import { metricResults, planSentence } from '../services/report.js';
import { promptChanges, type PromptChange, type TemplateLookup } from './prompt-diff.js';

/**
 * What the HTML report shows, as plain data: the first experiment is the baseline (A), every
 * other one is compared with it by `compareExperiments` (the same statistics as `llm experiments
 * compare`). The charts get `metrics` as JSON; the rest is rendered into the page's HTML.
 */

/** One experiment in the report, with the letter that names it in the charts. */
export interface ReportExperiment {
  /** A, B, C...: the first is the baseline. */
  readonly letter: string;
  /** `A: name`: the label in charts and the runs table. */
  readonly label: string;
  readonly details: ExperimentDetails;
}

/** One metric's data for the charts. */
export interface ReportMetric {
  readonly name: string;
  readonly description: string | null;
  readonly kind: MetricKind;
  readonly better: MetricDirection;
  /** Each experiment that scored it: n, mean and 95% interval (Student's t, or Wilson's for a rate). */
  readonly summaries: readonly { readonly experiment: string; readonly n: number; readonly errors: number; readonly mean: number | null; readonly ci: Interval | null }[];
  /** Every run's value, by experiment label. */
  readonly values: readonly { readonly experiment: string; readonly run: number; readonly value: number }[];
  /** Each later experiment compared with the baseline. */
  readonly comparisons: readonly ReportComparison[];
}

/** One metric of one experiment compared with the baseline: compare's statistics, with a label. */
export interface ReportComparison
  extends Pick<MetricComparison, 'method' | 'inputs' | 'executionsA' | 'executionsB' | 'difference' | 'ci' | 'pValue' | 'pAdjusted' | 'significant' | 'verdict'> {
  /** `B - A`. */
  readonly label: string;
  /** Paired: each input's B - A, the input shown as short text. */
  readonly perInput: readonly { readonly input: string; readonly difference: number }[];
  /** For a difference not shown: what it takes to show it (as compare says), else null. */
  readonly plan: string | null;
}

/** Everything the report shows. */
export interface ReportData {
  readonly experiments: readonly ReportExperiment[];
  /** Each later experiment compared with the first (the full comparison, for the tables). */
  readonly comparisons: readonly { readonly label: string; readonly comparison: Comparison; readonly prompts: readonly PromptChange[] }[];
  readonly metrics: readonly ReportMetric[];
  readonly generatedAt: string;
}

/** At most this many experiments in one report (A to Z). */
export const MAX_EXPERIMENTS = 26;

/**
 * Builds the report's data from logged experiments (the first is the baseline). `templates`
 * reads a prompt version's text from the log, for the text diffs.
 */
export function reportData(all: readonly ExperimentDetails[], templates: TemplateLookup, options: ComparisonOptions & { now?: Date } = {}): ReportData {
  if (all.length === 0) throw new UsageError('Give at least one experiment: llm experiments report A [B ...] -o report.html.');
  if (all.length > MAX_EXPERIMENTS) throw new UsageError(`A report shows at most ${MAX_EXPERIMENTS} experiments (A to Z); ${all.length} were given.`);
  const experiments = all.map((details, i) => {
    const letter = String.fromCharCode(65 + i);
    return { letter, label: `${letter}: ${details.experiment.name}`, details };
  });
  // Each experiment's runs as the statistics read them, made once.
  const statistics = new Map(experiments.map((e) => [e, summaryOf(e.details)]));
  const comparable = new Map(experiments.map((e) => [e, comparableOf(statistics.get(e)!)]));
  const [base, ...others] = experiments;
  const comparisons = others.map((other) => ({
    label: `${other.letter} - ${base!.letter}`,
    comparison: compareExperiments(comparable.get(base!)!, comparable.get(other)!, options),
    prompts: promptChanges(base!.details, other.details, templates),
  }));
  const names: string[] = [];
  for (const e of experiments) for (const m of e.details.metrics) if (!names.includes(m.name)) names.push(m.name);
  const metrics = names.map((name) => reportMetric(name, experiments, statistics, comparisons));
  return { experiments, comparisons, metrics, generatedAt: (options.now ?? new Date()).toISOString() };
}

function reportMetric(name: string, experiments: readonly ReportExperiment[], statistics: ReadonlyMap<ReportExperiment, ExperimentSummary>, comparisons: ReportData['comparisons']): ReportMetric {
  const summaries: ReportMetric['summaries'][number][] = [];
  const values: ReportMetric['values'][number][] = [];
  let kind: MetricKind | undefined;
  let better: MetricDirection | undefined;
  let description: string | null = null;
  for (const e of experiments) {
    const summary = metricResults(statistics.get(e)!).find((m) => m.name === name);
    if (!summary) continue;
    kind = kind === undefined || kind === summary.kind ? summary.kind : 'number';
    better ??= summary.better;
    description ??= summary.description ?? null;
    summaries.push({ experiment: e.label, n: summary.n, errors: summary.errors, mean: summary.mean, ci: summary.ci });
    for (const run of e.details.runs) {
      const value = run.metrics[name];
      if (value !== null && value !== undefined) values.push({ experiment: e.label, run: run.index, value });
    }
  }
  const compared = comparisons.flatMap(({ label, comparison }) => {
    const m = comparison.metrics.find((metric) => metric.name === name);
    if (!m) return [];
    return [
      {
        label,
        method: m.method,
        inputs: m.inputs,
        executionsA: m.executionsA,
        executionsB: m.executionsB,
        difference: m.difference,
        ci: m.ci,
        pValue: m.pValue,
        pAdjusted: m.pAdjusted,
        significant: m.significant,
        verdict: m.verdict,
        plan: m.plan !== null || m.verdict === 'not enough runs' ? planSentence(m) : null,
        perInput: uniqueLabels(m.perInput.map((p) => inputLabel(p.input))).map((input, i) => ({ input, difference: m.perInput[i]!.difference })),
      },
    ];
  });
  // The kind compare decided (a rate only when both sides scored it as one), else the summary's.
  const comparedKind = comparisons.flatMap(({ comparison }) => comparison.metrics.filter((m) => m.name === name).map((m) => m.kind))[0];
  return { name, description, kind: comparedKind ?? kind ?? 'number', better: better ?? 'higher', summaries, values, comparisons: compared };
}

/** An input (canonical JSON) as a short label: a lone string value as itself, else the JSON, cut to 60 characters. */
export function inputLabel(json: string): string {
  let text = json;
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value === 'string') text = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.values(value);
      if (entries.length === 1 && typeof entries[0] === 'string') text = entries[0];
    }
  } catch {
    // not JSON: shown as it is
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Labels made unique (two inputs may look alike once cut): a repeat gets ` (2)`, ` (3)`... */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label} (${count})`;
  });
}
