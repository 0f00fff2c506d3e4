import { AsyncLocalStorage } from 'node:async_hooks';
import { LlmError } from '../errors.js';
import { compileSchema, describeSchemaError, type JsonSchema } from '../json-schema.js';
import { currentTraceNode, trace } from './trace.js';
import type { TraceKind } from './trace-record.js';

/** One function's hyperparameters: names and JSON values. */
export type HyperparameterValues = { readonly [name: string]: unknown };

/** Hyperparameters of many functions, by function name: what a scope sets and records. */
export type HyperparameterSet = { readonly [functionName: string]: HyperparameterValues };

/** What `withHyperparameters` hands its function. */
export interface HyperparameterScope {
  /** The values in effect: this scope's over those of the scopes around it. */
  readonly values: HyperparameterSet;
  /**
   * What every tracked function called in this scope (or a scope inside it) ran with, by name,
   * the last call of each: defaults, scopes and explicit values resolved. Plain JSON.
   */
  readonly used: HyperparameterSet;
}

interface ScopeState {
  readonly values: Record<string, Record<string, unknown>>;
  readonly used: Record<string, Record<string, unknown>>;
  readonly parent: ScopeState | undefined;
}

let storage: AsyncLocalStorage<ScopeState> | undefined;
const scopes = () => (storage ??= new AsyncLocalStorage<ScopeState>());

/** The names of every tracked function made in this process (scopes set values by these names). */
const trackedNames = new Set<string>();
/** Scope names already warned about: each is warned about once per process. */
const warnedNames = new Set<string>();

/** How `withHyperparameters` reports a problem that does not stop it. */
export interface HyperparameterScopeOptions {
  /** Shows a warning (default: one line on stderr). */
  readonly warn?: ((message: string) => void) | undefined;
}

/**
 * Runs `fn` with these hyperparameters (by function name) overriding the defaults of tracked
 * functions, including `llmFunction`s and the members of `llmStrategy` classes, for every call
 * made inside it, however deep and across `await`s. Scopes nest: an inner scope's values win over
 * an outer one's, name by name. Values passed explicitly at a call win over every scope.
 *
 * A name that no tracked function has would be ignored without a word (a bundler renames
 * `function summarize` to `summarize2`, and `fn.name` with it): when the scope ends, such a name
 * is warned about, once per process, with the names that do exist.
 */
export async function withHyperparameters<T>(
  values: HyperparameterSet,
  fn: (scope: HyperparameterScope) => T | Promise<T>,
  options: HyperparameterScopeOptions = {},
): Promise<T> {
  const own = jsonCopy(values, 'withHyperparameters values') as Record<string, Record<string, unknown>>;
  if (own === null || typeof own !== 'object' || Array.isArray(own)) throw new LlmError('withHyperparameters takes an object of hyperparameters by function name, e.g. { summarize: { maxWords: 50 } }');
  for (const [name, set] of Object.entries(own)) {
    if (set === null || typeof set !== 'object' || Array.isArray(set)) {
      throw new LlmError(`withHyperparameters: the hyperparameters of '${name}' must be an object of values by name (got ${JSON.stringify(set)})`);
    }
  }
  const parent = scopes().getStore();
  const merged: Record<string, Record<string, unknown>> = { ...parent?.values };
  for (const [name, set] of Object.entries(own)) merged[name] = { ...merged[name], ...set };
  const state: ScopeState = { values: merged, used: {}, parent };
  const scope: HyperparameterScope = { values: merged, used: state.used };
  try {
    return await scopes().run(state, () => fn(scope));
  } finally {
    warnUnknownNames(Object.keys(own), options.warn ?? ((message) => process.stderr.write(`Warning: ${message}\n`)));
  }
}

/** Warns, once per name, about scope names that no tracked function has. */
function warnUnknownNames(names: readonly string[], warn: (message: string) => void): void {
  for (const name of names) {
    if (trackedNames.has(name) || warnedNames.has(name)) continue;
    warnedNames.add(name);
    const known = [...trackedNames].sort();
    const listed = known.length === 0 ? 'none yet' : known.length > 20 ? `${known.slice(0, 20).join(', ')} and ${known.length - 20} more` : known.join(', ');
    warn(
      `withHyperparameters: no tracked function is named '${name}', so its values were not used (tracked functions: ${listed}). ` +
        `Name the function explicitly, trackHyperparameters(fn, defaults, { name: '${name}' }): a bundler may rename a function.`,
    );
  }
}

/** How a tracked function is named, checked and traced. */
export interface TrackOptions {
  /**
   * The name scopes set its values under and traces show. Give it: the default, the function's
   * own `fn.name`, changes when a bundler renames the function (`summarize` becomes `summarize2`).
   */
  readonly name?: string;
  /** JSON Schema for its hyperparameters (default: one inferred from the types of the defaults). */
  readonly schema?: JsonSchema;
  /** What its trace nodes are (default `function`). */
  readonly kind?: TraceKind;
  /** What its trace nodes record as arguments (default: the arguments, as a list). */
  readonly traceArguments?: (args: readonly unknown[]) => unknown;
}

/** A function whose hyperparameters come from its defaults, the scopes it runs in, and the caller. */
export interface TrackedFunction<H extends HyperparameterValues, A extends unknown[], R> {
  (...args: A): Promise<R>;
  /** Its defaults. */
  readonly defaults: Readonly<H>;
  /** JSON Schema of its hyperparameters (an object schema). */
  readonly schema: JsonSchema;
  /** The same function with these values, which win over any scope. */
  with(explicit: Partial<H>): (...args: A) => Promise<R>;
  /** The values a call made here would use (checked against the schema). */
  resolve(explicit?: Partial<H>): Promise<H>;
}

/**
 * Makes `fn`'s hyperparameters tunable: `fn` receives them as its first argument, resolved for
 * each call as the defaults, overridden by `withHyperparameters` scopes (inner over outer), then
 * by values given explicitly with `.with(values)`. The values are checked against a schema, recorded
 * in every enclosing scope's `used`, and each call is a trace node carrying them.
 */
export function trackHyperparameters<H extends HyperparameterValues, A extends unknown[], R>(
  fn: (hyperparameters: H, ...args: A) => R | Promise<R>,
  defaults: H,
  options: TrackOptions = {},
): TrackedFunction<H, A, R> {
  const name = options.name ?? fn.name;
  if (!name) throw new LlmError('trackHyperparameters needs a name: pass a named function or { name }');
  trackedNames.add(name);
  const frozenDefaults = Object.freeze(jsonCopy(defaults, `the defaults of ${name}`) as H);
  const schema = options.schema ?? inferSchema(frozenDefaults);
  const traceArguments = options.traceArguments ?? ((args: readonly unknown[]) => args);

  const resolve = async (explicit: Partial<H> = {}): Promise<H> => {
    const fromScope = scopes().getStore()?.values[name] ?? {};
    const values = { ...frozenDefaults, ...fromScope, ...(jsonCopy(explicit, `the hyperparameters given to ${name}`) as Partial<H>) };
    const validate = await compileSchema(schema);
    if (!validate(values)) {
      const problems = (validate.errors ?? []).map((error) => describeSchemaError(error, values));
      throw new LlmError(`The hyperparameters of ${name} are not valid: ${problems.join('; ')}`);
    }
    return values as H;
  };

  const call = (explicit: Partial<H> | undefined, args: A): Promise<R> =>
    trace(
      name,
      async () => {
        const values = await resolve(explicit);
        const node = currentTraceNode();
        if (node) node.hyperparameters = values;
        for (let scope = scopes().getStore(); scope; scope = scope.parent) scope.used[name] = values;
        return fn(values, ...args);
      },
      { kind: options.kind ?? 'function', arguments: traceArguments(args) },
    );

  const tracked = (...args: A) => call(undefined, args);
  Object.defineProperty(tracked, 'name', { value: name });
  return Object.assign(tracked, {
    defaults: frozenDefaults,
    schema,
    with: (explicit: Partial<H>) => (...args: A) => call(explicit, args),
    resolve,
  });
}

/** A schema for values shaped like the defaults: the same names, each of its default's JSON type. */
export function inferSchema(defaults: HyperparameterValues): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(defaults)) {
    properties[key] =
      value === null ? {} : Array.isArray(value) ? { type: 'array' } : typeof value === 'object' ? { type: 'object' } : { type: typeof value };
  }
  return { type: 'object', properties, additionalProperties: false };
}

/** A deep copy as JSON, or an error saying what is not JSON. */
function jsonCopy(value: unknown, what: string): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'function' || typeof item === 'symbol' || typeof item === 'bigint') throw new Error(`a ${typeof item} is not a JSON value`);
      if (typeof item === 'number' && !Number.isFinite(item)) throw new Error(`${item} is not a JSON value`);
      return item;
    });
  } catch (error) {
    throw new LlmError(`Hyperparameters must be JSON values: ${what} ${error instanceof Error ? error.message.replace(/^Converting circular.*/s, 'is circular') : String(error)}`);
  }
  return text === undefined ? undefined : JSON.parse(text);
}
