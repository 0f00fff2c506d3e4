import { LlmError, UsageError, type MetricDirection } from 'llm-host';
import { compareSamples, type MetricDifference, type MetricKind } from '../library.js';
import { formatDifference, formatDifferenceInterval, formatValue } from './format.js';
import type { BotUsage, ExperimentDetails, ExperimentRow } from './queries.js';

/** One metric in both experiments. */
export interface MetricComparison extends MetricDifference {
  readonly name: string;
  readonly better: MetricDirection;
  readonly kind: MetricKind;
  /** What a significant difference means given the metric's direction. */
  readonly verdict: 'better' | 'worse' | 'no significant difference' | 'not enough runs';
}

/** Experiment B compared with experiment A. */
export interface Comparison {
  readonly a: ExperimentRow;
  readonly b: ExperimentRow;
  readonly metrics: readonly MetricComparison[];
  /** What differs between the two setups: prompt template versions, models, system prompts, options, metrics. */
  readonly differences: readonly string[];
}

/**
 * Compares B with A, metric by metric (Welch's interval for a difference of means, Newcombe's
 * for a difference of proportions, 95 %), and lists what differs in their setups.
 */
export function compareExperiments(a: ExperimentDetails, b: ExperimentDetails): Comparison {
  if (a.experiment.id === b.experiment.id) {
    throw new UsageError(`Both references name the same experiment (${a.experiment.id}): compare two different ones, e.g. '${a.experiment.name}~1 ${a.experiment.name}'.`);
  }
  const metrics: MetricComparison[] = [];
  const differences: string[] = [];
  for (const metric of a.metrics) {
    const other = b.metrics.find((m) => m.name === metric.name);
    if (!other) {
      differences.push(`metric '${metric.name}' is only in A`);
      continue;
    }
    const valuesA = values(a, metric.name);
    const valuesB = values(b, metric.name);
    const kind = metricKind(metric.kind, other.kind, [...valuesA, ...valuesB]);
    const better = metric.better === other.better ? metric.better : 'higher';
    if (metric.better !== other.better) differences.push(`metric '${metric.name}' is marked ${metric.better} is better in A but ${other.better} is better in B (higher is assumed)`);
    const difference = compareSamples(valuesA, valuesB, kind);
    metrics.push({ ...difference, name: metric.name, better, kind, verdict: verdictOf(difference, better) });
  }
  for (const metric of b.metrics) if (!a.metrics.some((m) => m.name === metric.name)) differences.push(`metric '${metric.name}' is only in B`);
  differences.push(...promptDifferences(a, b), ...botDifferences(a.bots, b.bots));
  return { a: a.experiment, b: b.experiment, metrics, differences };
}

/**
 * Fails (exit 1) when a metric got significantly worse. `spec` is a metric name, optionally with
 * `:higher` or `:lower` to say which way is better (else the metric's own direction).
 */
export function checkRegression(comparison: Comparison, spec: string): string | undefined {
  const match = /^(.*):(higher|lower)$/.exec(spec);
  const name = match ? match[1]! : spec;
  const metric = comparison.metrics.find((m) => m.name === name);
  if (!metric) {
    const names = comparison.metrics.map((m) => m.name);
    throw new UsageError(`--fail-on-regression ${spec}: no metric '${name}' in both experiments${names.length > 0 ? ` (they share ${names.join(', ')})` : ''}.`);
  }
  const better = (match?.[2] as MetricDirection | undefined) ?? metric.better;
  if (!metric.significant || metric.difference === null) return undefined;
  const worse = better === 'higher' ? metric.difference < 0 : metric.difference > 0;
  if (!worse) return undefined;
  return (
    `${name} got significantly worse (${better} is better): ${formatValue(metric.a.mean, metric.kind)} -> ${formatValue(metric.b.mean, metric.kind)}, ` +
    `difference ${formatDifference(metric.difference, metric.kind)}, 95% CI ${formatDifferenceInterval(metric.ci, metric.kind)}`
  );
}

/** Throws the regressions found, one line. */
export function failOnRegressions(messages: readonly string[]): void {
  if (messages.length > 0) throw new LlmError(`Regression: ${messages.join('; ')}`);
}

function values(details: ExperimentDetails, metric: string): number[] {
  const list: number[] = [];
  for (const run of details.runs) {
    const value = run.metrics[metric];
    if (value !== null && value !== undefined) list.push(value);
  }
  return list;
}

function metricKind(a: MetricKind | null, b: MetricKind | null, all: readonly number[]): MetricKind {
  const kinds = [a, b].filter((kind): kind is MetricKind => kind !== null);
  if (kinds.length > 0 && kinds.every((kind) => kind === 'boolean')) return 'boolean';
  if (kinds.includes('number')) return 'number';
  return all.every(Number.isInteger) ? 'integer' : 'number';
}

function verdictOf(difference: MetricDifference, better: MetricDirection): MetricComparison['verdict'] {
  if (difference.ci === null || difference.difference === null) return 'not enough runs';
  if (!difference.significant) return 'no significant difference';
  return (difference.difference > 0) === (better === 'higher') ? 'better' : 'worse';
}

function promptDifferences(a: ExperimentDetails, b: ExperimentDetails): string[] {
  const hashes = (details: ExperimentDetails) => {
    const map = new Map<string, Set<string>>();
    for (const prompt of details.prompts) {
      if (!map.has(prompt.name)) map.set(prompt.name, new Set());
      map.get(prompt.name)!.add(prompt.hash.slice(0, 8));
    }
    return map;
  };
  const inA = hashes(a);
  const inB = hashes(b);
  const out: string[] = [];
  for (const name of [...new Set([...inA.keys(), ...inB.keys()])].sort()) {
    const ha = inA.get(name);
    const hb = inB.get(name);
    if (!ha) out.push(`prompt '${name}' is only used in B`);
    else if (!hb) out.push(`prompt '${name}' is only used in A`);
    else if (!sameSet(ha, hb)) out.push(`prompt '${name}' template: ${[...ha].join(', ')} in A, ${[...hb].join(', ')} in B`);
  }
  return out;
}

function botDifferences(a: readonly BotUsage[], b: readonly BotUsage[]): string[] {
  const out: string[] = [];
  const names = [...new Set([...a.map((bot) => bot.name), ...b.map((bot) => bot.name)])].sort();
  for (const name of names) {
    const ba = a.filter((bot) => bot.name === name);
    const bb = b.filter((bot) => bot.name === name);
    if (ba.length === 0) {
      out.push(`bot '${name}' is only used in B`);
      continue;
    }
    if (bb.length === 0) {
      out.push(`bot '${name}' is only used in A`);
      continue;
    }
    const modelsA = new Set(ba.map((bot) => bot.model));
    const modelsB = new Set(bb.map((bot) => bot.model));
    if (!sameSet(modelsA, modelsB)) out.push(`bot '${name}' model: ${[...modelsA].join(', ')} in A, ${[...modelsB].join(', ')} in B`);
    const systemsA = new Set(ba.map((bot) => bot.system ?? ''));
    const systemsB = new Set(bb.map((bot) => bot.system ?? ''));
    if (!sameSet(systemsA, systemsB)) out.push(`bot '${name}' system prompt differs`);
    const optionsA = ba.map((bot) => bot.options);
    const optionsB = bb.map((bot) => bot.options);
    const keys = [...new Set([...optionsA, ...optionsB].flatMap((o) => Object.keys(o)))].sort();
    for (const key of keys) {
      const va = new Set(optionsA.map((o) => JSON.stringify(o[key] ?? null)));
      const vb = new Set(optionsB.map((o) => JSON.stringify(o[key] ?? null)));
      if (!sameSet(va, vb)) out.push(`bot '${name}' option ${key}: ${[...va].map(unset).join(', ')} in A, ${[...vb].map(unset).join(', ')} in B`);
    }
  }
  return out;
}

function unset(json: string): string {
  return json === 'null' ? '(unset)' : json;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  return a.size === b.size && [...a].every((v) => b.has(v));
}
