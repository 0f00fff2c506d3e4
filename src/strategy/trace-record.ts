/**
 * The data of a trace, as it is logged and exported (`llm traces show ID --json`): plain JSON, one
 * node per call, children in the order they started. Types only.
 */

/**
 * What a node is: `llm` a call of an `llmFunction`; `method`, `static` and `getter` a member an
 * `llmStrategy` class implements with a model; `function` a call of a `trackHyperparameters`
 * function; `span` a block run with `trace()`; `tool` a tool a model asked to run (see `model.chain()`).
 */
export type TraceKind = 'llm' | 'method' | 'static' | 'getter' | 'function' | 'span' | 'tool';

/** Why a call failed. */
export interface TraceError {
  /** The error's class name, e.g. `StructuredOutputError`. */
  readonly name: string;
  readonly message: string;
  /** For a model that gave no valid JSON: its last reply, as written. */
  readonly rawText?: string;
  /** For a model that gave no valid JSON: what was wrong with the last reply. */
  readonly problems?: readonly string[];
}

/** One call and the calls made inside it. */
export interface TraceRecord {
  /** Lowercase ULID. */
  readonly id: string;
  readonly name: string;
  readonly kind: TraceKind;
  /** The model that answered, for calls that asked one. */
  readonly model?: string;
  /** The call's arguments, as JSON. */
  readonly arguments?: unknown;
  /** For a `method` or `getter`: the object it was called on (its JSON), which the model saw. */
  readonly context?: unknown;
  /** What the call returned, as JSON (absent when it failed or returned nothing). */
  readonly result?: unknown;
  /** Why the call failed. */
  readonly error?: TraceError;
  /** When the call started and ended: ISO 8601, UTC. */
  readonly start: string;
  readonly end: string;
  readonly durationMs: number;
  /** The hyperparameters the call ran with (for `llm` calls: template, retries, JSON format). */
  readonly hyperparameters?: Readonly<Record<string, unknown>>;
  /** Ids of the responses the call got from the model, in order (`llm logs` has them). */
  readonly responses: readonly string[];
  readonly children: readonly TraceRecord[];
}
