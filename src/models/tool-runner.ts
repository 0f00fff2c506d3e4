import { messageOf } from '../errors.js';
import { compileSchema, describeSchemaError, type JsonSchema } from '../json-schema.js';
import type { MemberMark } from '../strategy/member.js';
import { runTraced } from '../strategy/trace.js';
import type { Attachment } from './attachment.js';
import { checkToolName, EMPTY_OBJECT_SCHEMA, Toolbox, ToolOutput, type Tool, type ToolCall, type ToolResult } from './tool.js';

/**
 * What can be passed as a tool: a `Tool` (see `defineTool`), a `Toolbox` instance (each listed
 * method is a tool), an `llmFunction`, or a member `llmStrategy`/`@llm` implemented (their
 * contracts are the schemas; an instance method bound to its object, `obj.method.bind(obj)`, so
 * the model implementing it sees the object).
 */
export type ToolLike = Tool<any> | Toolbox | ((...args: any[]) => unknown);

/** Called before each tool call; throw `CancelToolCall` to skip it (its result says so). */
export type BeforeCall = (tool: Tool | undefined, call: ToolCall) => void | Promise<void>;
/** Called after each tool call with its result. */
export type AfterCall = (tool: Tool | undefined, call: ToolCall, result: ToolResult) => void | Promise<void>;

/** Thrown by a `beforeCall` to skip a call: the model is told it was cancelled. */
export class CancelToolCall extends Error {
  constructor(message = 'the user cancelled the tool call') {
    super(message);
    this.name = 'CancelToolCall';
  }
}

/** The tools a list of tool-likes stands for, in order; a name given twice is an error. */
export function toTools(items: readonly ToolLike[]): Tool[] {
  const tools: Tool[] = [];
  const names = new Set<string>();
  for (const item of items) {
    for (const tool of toolsOf(item)) {
      checkToolName(tool.name);
      if (names.has(tool.name)) throw new Error(`two tools are named '${tool.name}': give each tool a distinct name`);
      names.add(tool.name);
      tools.push(tool);
    }
  }
  return tools;
}

function toolsOf(item: ToolLike): Tool[] {
  if (item instanceof Toolbox) return item.tools();
  if (typeof item === 'function') {
    const spec = (item as { spec?: { name: string; description: string; input: JsonSchema } }).spec;
    if (spec && typeof spec.name === 'string') return [functionTool(spec.name, spec.description, spec.input, (input) => (item as (i: unknown) => unknown)(input))];
    const mark = (item as unknown as Record<symbol, MemberMark | undefined>)[STRATEGY_MEMBER];
    if (mark) {
      const member = item.name.replace(/^bound /, '');
      // An instance method shows the model the object it is called on: without it, the model would see none.
      if (mark.kind === 'method' && !mark.bound) {
        throw new Error(`${member} is a method of an llmStrategy class: pass it bound to its object, as obj.${member}.bind(obj), so it runs with its \`this\``);
      }
      const input = mark.contract.input ?? EMPTY_OBJECT_SCHEMA;
      const names = Object.keys((input as { properties?: object }).properties ?? {});
      return [
        {
          name: member,
          description: mark.contract.description,
          inputSchema: input,
          implementation: (args: Record<string, unknown>) => (item as (...a: unknown[]) => unknown)(...names.map((n) => args[n])),
        },
      ];
    }
    throw new Error(`${item.name || 'a function'} is not a tool: wrap it with defineTool({ name, description, inputSchema, implementation })`);
  }
  if (item && typeof item === 'object' && typeof (item as Tool).name === 'string') return [{ ...item, inputSchema: (item as Tool).inputSchema ?? EMPTY_OBJECT_SCHEMA }];
  throw new Error(`${JSON.stringify(item)} is not a tool: pass defineTool({...}), a Toolbox instance, an llmFunction or an llmStrategy member`);
}

/**
 * An llmFunction as a tool. Tools take an object of arguments: an object input schema is used as
 * it is; any other is wrapped as the one property `input`.
 */
function functionTool(name: string, description: string, input: JsonSchema, call: (input: unknown) => unknown): Tool {
  const toolName = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  if (input.type === 'object') return { name: toolName, description, inputSchema: input, implementation: call };
  return {
    name: toolName,
    description,
    inputSchema: { type: 'object', properties: { input }, required: ['input'], additionalProperties: false },
    implementation: (args: Record<string, unknown>) => call(args.input),
  };
}

/** The mark `llmStrategy` puts on the members it implements (see strategy/member.ts; not imported, to keep this light). */
const STRATEGY_MEMBER = Symbol.for('llm.strategyMember');

/** Hooks and the signal for `executeToolCalls`. */
export interface ToolCallSettings {
  readonly beforeCall?: BeforeCall | undefined;
  readonly afterCall?: AfterCall | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs the calls of one reply concurrently and returns their results in the calls' order. As in
 * the Python llm, an unknown tool, arguments that fail the tool's schema and a tool that throws
 * each become a result whose output is `Error: ...`, which the model sees. Each call is a trace
 * node of kind `tool`.
 */
export async function executeToolCalls(calls: readonly ToolCall[], tools: readonly Tool[], settings: ToolCallSettings = {}): Promise<ToolResult[]> {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  return Promise.all(calls.map((call) => executeToolCall(call, byName.get(call.name), settings)));
}

async function executeToolCall(call: ToolCall, tool: Tool | undefined, settings: ToolCallSettings): Promise<ToolResult> {
  settings.signal?.throwIfAborted();
  const base = { name: call.name, toolCallId: call.toolCallId, instance: tool?.instance };
  let result: ToolResult;
  if (settings.beforeCall) {
    try {
      await settings.beforeCall(tool, call);
    } catch (error) {
      if (!(error instanceof CancelToolCall)) throw error;
      result = { ...base, output: `Cancelled: ${error.message}`, exception: error };
      await settings.afterCall?.(tool, call, result);
      return result;
    }
  }
  settings.signal?.throwIfAborted();
  try {
    let attachments: readonly Attachment[] = [];
    const output = await runTraced(
      call.name,
      async () => {
        const ran = await runTool(call, tool, settings.signal);
        attachments = ran.attachments;
        return ran.text;
      },
      { kind: 'tool', arguments: call.arguments },
    );
    result = { ...base, output: output.value, ...(attachments.length > 0 ? { attachments } : {}) };
  } catch (error) {
    if (settings.signal?.aborted) throw settings.signal.reason;
    const exception = error instanceof Error ? error : new Error(String(error));
    result = { ...base, output: `Error: ${messageOf(error)}`, exception };
  }
  await settings.afterCall?.(tool, call, result);
  return result;
}

/** Validates the arguments and runs the tool; its result as text, and its attachments. Throws what went wrong. */
async function runTool(call: ToolCall, tool: Tool | undefined, signal: AbortSignal | undefined): Promise<{ text: string; attachments: readonly Attachment[] }> {
  if (!tool) throw new ToolCallError(`tool "${call.name}" does not exist`);
  if (!tool.implementation) throw new ToolCallError(`tool "${call.name}" has no implementation`);
  const validate = await compileSchema(tool.inputSchema);
  if (!validate(call.arguments)) {
    const problems = (validate.errors ?? []).map((e) => describeSchemaError(e, call.arguments));
    throw new ToolCallError(`invalid arguments for ${call.name}: ${problems.join('; ')}`);
  }
  const pending = Promise.resolve(tool.implementation(call.arguments as Record<string, unknown>));
  const returned = signal ? await abortable(pending, signal) : await pending;
  const value = ToolOutput.is(returned) ? returned.output : returned;
  const attachments = ToolOutput.is(returned) ? returned.attachments : [];
  return { text: typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'), attachments };
}

/** A call that could not run (unknown tool, bad arguments). */
export class ToolCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolCallError';
  }
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (Ctrl-C stops the chain at once). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
}
