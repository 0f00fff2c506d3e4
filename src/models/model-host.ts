import type { LogContext } from '../hooks.js';
import type { TraceRecord } from '../strategy/trace-record.js';
import type { Model } from './model.js';
import type { CachedResponse, CachedResponseRequest } from './response-cache.js';
import type { Response } from './response.js';

/**
 * What a model needs from the host that registered it: keys and logging. A model used on its own
 * (never registered) has no host: it reads its key from `--key`/the environment and logs nothing.
 */
export interface ModelHost {
  /** The key the model should use (see KeyStore.resolve). */
  resolveKey(model: Model, explicit: string | undefined): Promise<string | undefined>;
  /** Runs the `prepareLog` hook as a logged response sends its request (never fails). Optional. */
  prepareLog?(context: LogContext): void;
  /** Runs the `logResponse` hook for a finished response. */
  logResponse(response: Response, context: LogContext): Promise<void>;
  /**
   * Runs the `logTrace` hook for a finished trace whose calls used this model (a failing tap
   * becomes a warning). Optional: a host without it keeps no traces.
   */
  logTrace?(trace: TraceRecord, context: LogContext): Promise<void>;
  /** The newest logged response to a request (`cache`), from the `findCachedResponse` hook. Optional. */
  findCachedResponse?(request: CachedResponseRequest): Promise<CachedResponse | undefined>;
}

/**
 * The binding lives on the model under a registered symbol rather than in a module-level map, so
 * it holds even when a plugin brings its own copy of this package (an editable install that
 * resolves `llm` from its own folder): every copy sees the same symbol.
 */
const HOST = Symbol.for('llm.modelHost');

/** Binds a model to the host that registered it. */
export function bindModelHost(model: Model, host: ModelHost): void {
  Object.defineProperty(model, HOST, { value: host, configurable: true, enumerable: false });
}

/** The host a model was registered with, if any. */
export function modelHostOf(model: Model): ModelHost | undefined {
  return (model as unknown as Record<symbol, ModelHost | undefined>)[HOST];
}
