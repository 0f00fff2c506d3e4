import { UsageError } from 'llm-host';
import { compareMetric, pairable, planFor, type RunValue } from '../lib/comparison.js';
import { groupByInput } from '../lib/paired.js';
import { planFromComponents, varianceComponents, type Plan } from '../lib/planning.js';
import { formatDifference, formatNumber, table } from './format.js';
import type { ExperimentDetails } from './queries.js';

/** `llm experiments plan`: what it takes to detect a difference in one metric. */
export interface PlanReport {
  readonly experiment: string;
  readonly other: string | null;
  readonly metric: string;
  readonly boolean: boolean;
  /** The standard deviation a run (or an input's mean) has now. */
  readonly plan: Plan;
  /** What the plan is based on. */
  readonly basis: string;
}

/** `--power`: a number strictly between 0 and 1. */
export function parsePower(text: string): number {
  const power = Number(text);
  if (!(power > 0 && power < 1)) throw new UsageError(`--power ${text}: give a number between 0 and 1, e.g. 0.8 or 0.9.`);
  return power;
}

/** `--detect`: a difference other than 0. */
export function parseDelta(text: string): number {
  const delta = Math.abs(Number(text));
  if (!(delta > 0) || !Number.isFinite(delta)) throw new UsageError(`--detect ${text}: give the difference to detect as a number other than 0, in the metric's units (a rate as a fraction: 0.1 for 10 points).`);
  return delta;
}

/**
 * Plans from one experiment (independent samples: its variance between and within inputs) or
 * from two (paired by input when they ran the same inputs, with the variance of the per-input
 * differences).
 */
export function planExperiments(details: ExperimentDetails, other: ExperimentDetails | undefined, metric: string, delta: number, power: number): PlanReport {
  const known = (d: ExperimentDetails) => d.metrics.find((m) => m.name === metric);
  const row = known(details);
  if (!row) throw new UsageError(`--metric ${metric}: experiment ${details.experiment.name} has no metric '${metric}' (it has ${details.metrics.map((m) => m.name).join(', ') || 'none'}).`);
  if (other && !known(other)) throw new UsageError(`--metric ${metric}: experiment ${other.experiment.name} has no metric '${metric}' (it has ${other.metrics.map((m) => m.name).join(', ') || 'none'}).`);
  const runs = (d: ExperimentDetails): RunValue[] => d.runs.map((run) => ({ input: run.input, value: run.metrics[metric] }));
  const boolean = row.kind === 'boolean';
  const base = { experiment: details.experiment.id, other: other?.experiment.id ?? null, metric, boolean };
  if (other) {
    const paired = pairable(runs(details), runs(other));
    const stats = compareMetric(runs(details), runs(other), boolean ? 'boolean' : 'number', paired);
    const plan = planFor(stats, delta, power);
    if (!plan) throw notEnough(metric);
    return {
      ...base,
      plan,
      basis: paired
        ? `paired by input: the variance of the per-input differences over ${stats.inputs} inputs`
        : "unpaired (the experiments' inputs differ): both experiments' variance",
    };
  }
  const values = runs(details);
  const hasInputs = values.length > 0 && values.every((run) => run.input !== undefined);
  const groups = hasInputs ? [...groupByInput(values).values()] : values.flatMap((run) => (typeof run.value === 'number' ? [[run.value]] : []));
  const components = varianceComponents(groups);
  if (!components) throw notEnough(metric);
  return {
    ...base,
    plan: planFromComponents('two-sample', components, delta, power),
    basis: `one experiment, compared later with another on other runs (independent samples): its variance ${hasInputs ? `between and within ${components.inputs} inputs` : `over ${groups.length} runs`}; give a second experiment over the same inputs for a paired plan`,
  };
}

function notEnough(metric: string): UsageError {
  return new UsageError(`Not enough values of '${metric}' to estimate its variance: the plan needs at least 2 inputs (or runs) with values; run the experiment a few more times first.`);
}

/** The plan as text. */
export function formatPlan(report: PlanReport): string {
  const { plan } = report;
  const kind = report.boolean ? 'boolean' : 'number';
  const unit = plan.design === 'paired' ? 'inputs' : 'inputs per experiment';
  const lines = [
    `To detect a difference of ${formatDifference(plan.delta, kind).replace(/^[+±]/, '')} in ${report.metric} with ${Math.round(plan.power * 100)}% power (two-sided, 5%):`,
    `  based on ${report.basis}.`,
    `  variance between inputs ${formatNumber(plan.components.between)}, within an input ${formatNumber(plan.components.within)} (at ${formatNumber(plan.components.executionsPerInput)} executions per input now)`,
    '',
    table(
      ['executions per input', unit, 'runs per experiment'],
      plan.rows.map((row) => [String(row.executionsPerInput), row.inputs === null ? 'over 10 million' : String(row.inputs), row.runs === null ? '-' : String(row.runs)]),
      'rrr',
    ),
    '',
    plan.components.between > plan.components.within
      ? 'Inputs differ more than repeats of one input: more inputs help more than more executions per input.'
      : 'Repeats of one input vary as much as inputs do: more executions per input help too.',
  ];
  return lines.join('\n') + '\n';
}
