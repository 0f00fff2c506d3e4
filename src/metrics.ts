/** A value a metric may return: stored as a finite number (booleans as 0/1). */
export type MetricValue = number | boolean;

/**
 * A scalar metric for experiments: scores one run's output. Plugins contribute metrics through
 * the `registerMetrics` hook.
 */
export interface Metric<Output = unknown> {
  /** Unique name, used as the column the value is stored under. */
  readonly name: string;
  /** One line saying what the metric measures. */
  readonly description?: string;
  /** Scores one output. */
  score(output: Output, context: { readonly input?: unknown }): MetricValue | Promise<MetricValue>;
}
