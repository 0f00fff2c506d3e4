import type { JsonSchema } from './json-schema.js';
import type { Model } from './models/model.js';

/** A value a metric may return: stored as a finite number (booleans as 0/1). */
export type MetricValue = number | boolean;

/** Which way a metric improves: `higher` (the default) or `lower` (a cost, an error count). */
export type MetricDirection = 'higher' | 'lower';

/** What a metric gets besides the output it scores. */
export interface MetricContext {
  /** The name the values are stored under (a registered metric may be used under another name). */
  readonly name: string;
  /** The run's input, when the experiment has inputs. */
  readonly input?: unknown;
  /** Settings the experiment gave a registered metric (`{ metric: 'regex-match', options: { pattern } }`); else `{}`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Aborted when the run is cancelled or times out. */
  readonly signal: AbortSignal;
  /** A model by id or alias, from the host running the experiment (none: the default model). */
  getModel(name?: string): Promise<Model>;
  /** Adds free-form information to the run's log (a judge's reasoning, say). */
  annotate(info: Readonly<Record<string, unknown>>): void;
}

/**
 * A scalar metric for experiments: scores one run's output. Make one with `metric(name, fn)`;
 * plugins contribute metrics through the `registerMetrics` hook, which experiments use by name.
 */
export interface Metric<Output = unknown> {
  /** Unique name, which the log stores the values under. */
  readonly name: string;
  /** One line saying what the metric measures. */
  readonly description?: string;
  /** Which way is better (default `higher`): `compare --fail-on-regression` uses it. */
  readonly better?: MetricDirection;
  /** For a registered metric that takes settings: the JSON Schema they must match. */
  readonly optionsSchema?: JsonSchema;
  /** Scores one output: a finite number or a boolean. */
  score(output: Output, context: MetricContext): MetricValue | Promise<MetricValue>;
}
