import type { MetricKind } from './statistics.js';
import { LlmError, type Metric, type MetricContext, type MetricDirection, type MetricValue } from 'llm-host';
import { compileSchema, describeSchemaError, messageOf } from './core.js';

/** A metric that returned something other than a finite number or a boolean, or threw. */
export class MetricError extends LlmError {}

/** How an experiment names a metric: the metric itself, a registered metric's name, or a registered metric with settings. */
export type MetricReference<Output = unknown> =
  | Metric<Output>
  | string
  | {
      /** The registered metric's name (`llm experiments metrics` lists them). */
      readonly metric: string;
      /** The name to store the values under (default: the registered name). */
      readonly name?: string;
      /** Its settings, checked against the metric's `optionsSchema`. */
      readonly options?: Readonly<Record<string, unknown>>;
    };

/** A metric ready to score: its own name, direction and settings. */
export interface ResolvedMetric {
  readonly name: string;
  readonly description: string | undefined;
  readonly better: MetricDirection;
  readonly metric: Metric;
  readonly options: Readonly<Record<string, unknown>>;
}

const NAME_PATTERN = /^[A-Za-z0-9_][\w.\-/ ]{0,99}$/;

/** Checks a metric name (letters, digits, `_ . - /` and spaces; no colons: `metric:higher` means something to `compare`). */
export function checkMetricName(name: unknown): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name.trim() !== name) {
    throw new MetricError(`metric name ${JSON.stringify(name)} is not valid: use up to 100 letters, digits, spaces and _ . - / (starting with a letter, digit or _)`);
  }
  return name;
}

/**
 * A metric: `metric('mentions-price', (output) => /\$\d/.test(output))`. The function scores one
 * run's output and returns a finite number or a boolean (stored as 0/1); anything else is an
 * error for that run, naming the metric and what it returned. `better: 'lower'` marks a metric
 * that improves downwards (a cost, a count of mistakes).
 */
export function metric<Output = unknown>(
  name: string,
  score: (output: Output, context: MetricContext) => MetricValue | Promise<MetricValue>,
  settings: { readonly description?: string; readonly better?: MetricDirection } = {},
): Metric<Output> {
  checkMetricName(name);
  if (typeof score !== 'function') throw new MetricError(`metric '${name}' needs a scoring function (got ${typeof score})`);
  if (settings.better !== undefined && settings.better !== 'higher' && settings.better !== 'lower') {
    throw new MetricError(`metric '${name}': better must be 'higher' or 'lower' (got ${JSON.stringify(settings.better)})`);
  }
  return Object.freeze({ name, score, ...(settings.description ? { description: settings.description } : {}), ...(settings.better ? { better: settings.better } : {}) });
}

/**
 * A metric's return value as stored: booleans as 0/1, numbers as they are (integers stay
 * integers), with its kind. A string, object, array, null, undefined, NaN or an infinity is a
 * MetricError naming the metric and what it got.
 */
export function coerceMetricValue(name: string, value: unknown): { value: number; kind: MetricKind } {
  if (typeof value === 'boolean') return { value: value ? 1 : 0, kind: 'boolean' };
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return { value, kind: Number.isInteger(value) ? 'integer' : 'number' };
    throw new MetricError(`metric '${name}' returned ${value}: a metric must return a finite number or a boolean`);
  }
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return { value: Number(value), kind: 'integer' };
  throw new MetricError(`metric '${name}' returned ${describeValue(value)}: a metric must return a finite number or a boolean`);
}

/** The kind of a metric over all its values: boolean only if every value was a boolean. */
export function combineKinds(a: MetricKind | undefined, b: MetricKind): MetricKind {
  if (a === undefined || a === b) return b;
  if (a === 'boolean' || b === 'boolean') return a === 'number' || b === 'number' ? 'number' : 'integer';
  return 'number';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined (did it forget to return?)';
  if (Array.isArray(value)) return `an array (${truncate(JSON.stringify(value))})`;
  if (typeof value === 'string') return `a string (${truncate(JSON.stringify(value))})`;
  if (typeof value === 'object') return `an object (${truncate(safeJson(value))})`;
  return `a ${typeof value}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Resolves an experiment's metric references against the metrics plugins registered: names and
 * `{ metric, name, options }` objects become registered metrics with their settings checked.
 * Duplicate names and unknown metrics are errors that list what is available.
 */
export async function resolveMetrics(references: readonly MetricReference[], registered: readonly Metric[]): Promise<ResolvedMetric[]> {
  const resolved: ResolvedMetric[] = [];
  for (const reference of references) {
    let metric: Metric;
    let name: string;
    let options: Readonly<Record<string, unknown>> = {};
    if (typeof reference === 'string' || (reference && typeof reference === 'object' && 'metric' in reference && typeof reference.metric === 'string')) {
      const spec = typeof reference === 'string' ? { metric: reference } : (reference as Exclude<MetricReference, string | Metric>);
      const found = registered.find((m) => m.name === spec.metric);
      if (!found) {
        const names = registered.map((m) => m.name);
        throw new MetricError(`unknown metric '${spec.metric}': ${names.length > 0 ? `the registered metrics are ${names.join(', ')}` : 'no plugin registers metrics (is the experiments plugin switched off?)'}; or pass a metric made with metric(name, fn)`);
      }
      metric = found;
      name = checkMetricName(spec.name ?? found.name);
      const given = spec.options ?? {};
      if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new MetricError(`metric '${name}': options must be an object`);
      options = await checkMetricOptions(name, found, given);
    } else if (reference && typeof reference === 'object' && typeof (reference as Metric).score === 'function') {
      metric = reference as Metric;
      name = checkMetricName(metric.name);
    } else {
      throw new MetricError(`an experiment's metrics must be metrics made with metric(name, fn), registered metric names, or { metric, name, options } (got ${describeValue(reference)})`);
    }
    if (resolved.some((m) => m.name === name)) throw new MetricError(`two metrics are named '${name}': give one of them another name ({ metric, name })`);
    resolved.push({ name, description: metric.description, better: metric.better ?? 'higher', metric, options });
  }
  return resolved;
}

/** The options, checked against the metric's schema, as a copy with the schema's defaults filled in. */
async function checkMetricOptions(name: string, metric: Metric, given: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const options = { ...given };
  if (!metric.optionsSchema) {
    if (Object.keys(options).length > 0) throw new MetricError(`metric '${name}' takes no options (got ${Object.keys(options).join(', ')})`);
    return options;
  }
  const validate = await compileSchema(metric.optionsSchema);
  if (!validate(options)) {
    const problems = (validate.errors ?? []).map((error) => describeSchemaError(error, options));
    throw new MetricError(`metric '${name}' has invalid options: ${problems.join('; ')}`);
  }
  return options;
}

/** Runs a metric on one output: the stored value and kind, or the error message for this run. */
export async function scoreMetric(
  metric: ResolvedMetric,
  output: unknown,
  context: MetricContext,
): Promise<{ value: number; kind: MetricKind; error?: undefined } | { value: null; kind?: undefined; error: string }> {
  try {
    const raw = await metric.metric.score(output, context);
    return coerceMetricValue(metric.name, raw);
  } catch (error) {
    if (error instanceof MetricError) return { value: null, error: error.message };
    return { value: null, error: `metric '${metric.name}' failed: ${messageOf(error)}` };
  }
}
