import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogContext } from '../hooks.js';
import type { Model } from '../models/model.js';
import { withConversationOrigin } from '../models/origin.js';
import { modelHostOf, type ModelHost } from '../models/model-host.js';
import type { Response, ResponseInit } from '../models/response.js';
import { isoUtc, newId } from '../util/ids.js';
import { toJsonValue } from './json-value.js';
import type { TraceError, TraceKind, TraceRecord } from './trace-record.js';

/**
 * One call being traced. Nodes nest through AsyncLocalStorage: a call made while another runs
 * (however deep, across `await`s) becomes its child. When a root call (one with no parent)
 * finishes, its whole tree is logged at once, through the host of the first model it used.
 */
export class TraceNode {
  /** Lowercase ULID. */
  readonly id: string = newId();
  /** The calls made inside this one, in the order they started. */
  readonly children: TraceNode[] = [];
  /** The responses the call got from models, in order. */
  readonly responses: Response[] = [];
  readonly startedAt: Date = new Date();
  endedAt: Date | undefined;
  /** The model the call asked, if it asked one. */
  model: string | undefined;
  arguments: unknown;
  context: unknown;
  result: unknown;
  error: TraceError | undefined;
  /** The hyperparameters the call ran with. */
  hyperparameters: Readonly<Record<string, unknown>> | undefined;
  /** Where the tree is logged (on the root): the host of the first model a call asked. */
  private sink: { host: ModelHost; context: LogContext } | undefined;

  constructor(
    readonly name: string,
    readonly kind: TraceKind,
    /** The call this one was made in; undefined for a root. */
    readonly parent: TraceNode | undefined,
  ) {}

  /** The root of this node's tree. */
  get root(): TraceNode {
    let node: TraceNode = this;
    while (node.parent) node = node.parent;
    return node;
  }

  /**
   * Notes that the call asks `model` and logs (or not) as its responses do: the tree is logged
   * through the host of the first model whose responses are logged.
   */
  useModel(model: Model, log: ResponseInit['log']): void {
    this.model = model.id;
    const host = modelHostOf(model);
    const root = this.root;
    if (root.sink || !host?.logTrace || log === false) return;
    const context = typeof log === 'object' ? log : {};
    root.sink = { host, context: { force: context.force ?? false, ...(context.database ? { database: context.database } : {}) } };
  }

  /** The node and its children as plain JSON data. */
  toJSON(): TraceRecord {
    const end = this.endedAt ?? new Date();
    const record: Record<string, unknown> = { id: this.id, name: this.name, kind: this.kind };
    if (this.model !== undefined) record.model = this.model;
    if (this.arguments !== undefined) record.arguments = this.arguments;
    if (this.context !== undefined) record.context = this.context;
    if (this.result !== undefined) record.result = this.result;
    const error = this.error ?? (this.endedAt ? undefined : { name: 'Unfinished', message: 'the call was still running when its root call ended' });
    if (error) record.error = error;
    record.start = isoUtc(this.startedAt);
    record.end = isoUtc(end);
    record.durationMs = end.getTime() - this.startedAt.getTime();
    if (this.hyperparameters !== undefined) record.hyperparameters = this.hyperparameters;
    record.responses = this.responses.filter((response) => response.isDone).map((response) => response.id);
    record.children = this.children.map((child) => child.toJSON());
    return record as unknown as TraceRecord;
  }

  /** Logs the finished tree (a root's), once its responses are logged; never throws. */
  async log(): Promise<void> {
    if (!this.sink?.host.logTrace) return;
    await Promise.all(allResponses(this).map((response) => response.done().catch(() => undefined)));
    try {
      await this.sink.host.logTrace(this.toJSON(), this.sink.context);
    } catch (error) {
      // A host's own logTrace turns failures into warnings; one that throws must not fail the call.
      process.emitWarning(`the trace ${this.id} (${this.name}) was not logged: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

let storage: AsyncLocalStorage<TraceNode> | undefined;
const nodes = () => (storage ??= new AsyncLocalStorage<TraceNode>());

/** The node of the traced call running here, if any. */
export function currentTraceNode(): TraceNode | undefined {
  return nodes().getStore();
}

/** What a traced call records besides its name. */
export interface TraceOptions {
  /** What the node is (default `span`). */
  readonly kind?: TraceKind;
  /** The call's arguments, recorded as JSON. */
  readonly arguments?: unknown;
}

/**
 * Runs `fn` as a trace node named `name` (a child of the traced call running here, or a root),
 * recording when it ran and what it returned or threw. Resolves to the value and the finished
 * node; when the node is a root, its tree has been logged by then (if a model it used has a host
 * that keeps traces: `llm traces`).
 */
export async function runTraced<T>(name: string, fn: () => T | Promise<T>, options: TraceOptions = {}): Promise<{ value: T; node: TraceNode }> {
  const parent = currentTraceNode();
  const node = new TraceNode(name, options.kind ?? 'span', parent);
  if (options.arguments !== undefined) node.arguments = toJsonValue(options.arguments);
  parent?.children.push(node);
  let value: T;
  try {
    // Responses made inside a traced call (LLM functions, strategies, metrics) are not a person's.
    value = await nodes().run(node, () => withConversationOrigin('trace', fn));
  } catch (error) {
    node.error = traceError(error);
    node.endedAt = new Date();
    if (!parent) await node.log();
    throw error;
  }
  node.result = toJsonValue(value);
  node.endedAt = new Date();
  if (!parent) await node.log();
  return { value, node };
}

/** Runs `fn` as a trace node (see `runTraced`) and resolves to its value. */
export async function trace<T>(name: string, fn: () => T | Promise<T>, options: TraceOptions = {}): Promise<T> {
  return (await runTraced(name, fn, options)).value;
}

/** An error as a trace records it; a StructuredOutputError keeps the raw reply and its problems. */
function traceError(error: unknown): TraceError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const detail = error as Error & { rawText?: unknown; problems?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof detail.rawText === 'string' ? { rawText: detail.rawText } : {}),
    ...(Array.isArray(detail.problems) ? { problems: detail.problems.map(String) } : {}),
  };
}

function allResponses(node: TraceNode): Response[] {
  return [...node.responses, ...node.children.flatMap(allResponses)];
}
