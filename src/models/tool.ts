import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { JsonSchema } from '../json-schema.js';
import type { Attachment } from './attachment.js';

/**
 * A function a model may ask to run: a name, what it does, a JSON Schema for its arguments and an
 * async implementation. Tools run code with the user's rights, so `llm` runs one only when the
 * user named it (`-T`, `--functions`, a template, or code that passes it).
 */
export interface Tool<A = Record<string, unknown>> {
  /** The name the model calls it by: letters, digits, `_` and `-`. */
  readonly name: string;
  /** What it does, for the model. */
  readonly description?: string | undefined;
  /** JSON Schema (an object schema) of its arguments, checked with ajv before it runs. */
  readonly inputSchema: JsonSchema;
  /** Runs it; a string result is sent as is, anything else as JSON. May throw. */
  readonly implementation?: ((args: A) => unknown) | undefined;
  /** The plugin that registered it (set by the registry; recorded in the log's `tools.plugin`). */
  readonly plugin?: string | undefined;
  /** The toolbox instance whose method this is, if any. */
  readonly instance?: Toolbox | undefined;
}

/** What `defineTool` takes: a tool whose implementation's argument is typed from `inputSchema`. */
export interface ToolSpec<S> {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: S;
  readonly implementation: (args: FromSchema<S extends JSONSchema ? S : never>) => unknown;
}

/**
 * A tool whose implementation's argument is typed from its inline schema (json-schema-to-ts), or
 * by a type argument: `defineTool<{ city: string }>({...})`.
 */
export function defineTool<const S extends JSONSchema & object>(tool: ToolSpec<S>): Tool;
export function defineTool<A>(tool: Omit<ToolSpec<JsonSchema>, 'implementation'> & { readonly implementation: (args: A) => unknown }): Tool;
export function defineTool(tool: { name: string; implementation: unknown }): Tool {
  checkToolName(tool.name);
  return tool as unknown as Tool;
}

/** What a toolbox method is: the description and argument schema of the tool it becomes. */
export interface ToolMethod {
  readonly description?: string;
  readonly inputSchema?: JsonSchema;
}

/** A toolbox class, as `registerTools` and `-T Name(...)` take it. */
export interface ToolboxClass {
  new (config?: Record<string, unknown>): Toolbox;
  /** The name used in `-T` and before each method's tool name (default: the class name). */
  readonly toolboxName?: string | undefined;
  /** The methods that are tools, by method name. */
  readonly methods: Readonly<Record<string, ToolMethod>>;
  /** What `llm tools` says about it. */
  readonly description?: string | undefined;
}

/**
 * Tools that share state: a class whose listed methods are tools named `Name_method` (as in the
 * Python llm), configured when instantiated (`-T 'Memory({"file": "notes.json"})'`) and keeping
 * state between calls. Each method receives the arguments object.
 *
 *     class Memory extends Toolbox {
 *       static override methods = { set: { description: 'Remember a value', inputSchema: {...} }, get: {...} };
 *       private values = new Map<string, string>();
 *       set({ key, value }: { key: string; value: string }) { this.values.set(key, value); return 'ok'; }
 *       get({ key }: { key: string }) { return this.values.get(key) ?? ''; }
 *     }
 */
export abstract class Toolbox {
  /** The name used in `-T` and before each method's tool name (default: the class name). */
  static readonly toolboxName: string | undefined = undefined;
  /** The methods that are tools, by method name. */
  static readonly methods: Readonly<Record<string, ToolMethod>> = {};
  /** The configuration it was created with (logged in `tool_instances.arguments`). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The plugin that registered the class (set by the registry). */
  plugin: string | undefined;

  constructor(config: Readonly<Record<string, unknown>> = {}) {
    this.config = config;
  }

  /** Its name: the class's `toolboxName`, else the class name. */
  get toolboxName(): string {
    return toolboxName(this.constructor as ToolboxClass);
  }

  /** Its methods as tools, bound to this instance. */
  tools(): Tool[] {
    const type = this.constructor as ToolboxClass;
    return Object.entries(type.methods ?? {}).map(([method, spec]) => {
      const fn = (this as unknown as Record<string, unknown>)[method];
      if (typeof fn !== 'function') throw new Error(`toolbox ${this.toolboxName} lists method '${method}', which it does not have`);
      return {
        name: `${this.toolboxName}_${method}`,
        description: spec.description,
        inputSchema: spec.inputSchema ?? EMPTY_OBJECT_SCHEMA,
        implementation: (args: Record<string, unknown>) => (fn as (a: unknown) => unknown).call(this, args),
        plugin: this.plugin,
        instance: this,
      };
    });
  }
}

/** The name a toolbox class goes by. */
export function toolboxName(type: ToolboxClass): string {
  return type.toolboxName ?? type.name;
}

/** Whether a value is a toolbox class (not an instance). */
export function isToolboxClass(value: unknown): value is ToolboxClass {
  return typeof value === 'function' && value.prototype instanceof Toolbox;
}

/** A tool the model asked for in a reply. */
export interface ToolCall {
  readonly name: string;
  /** The arguments, as the model sent them (an object, if it sent valid JSON). */
  readonly arguments: unknown;
  /** The id the model gave the call, sent back with its result. */
  readonly toolCallId?: string | undefined;
}

/** What `ToolOutput` takes. */
export interface ToolOutputInit {
  /** The result: a string is sent as is, anything else as JSON. */
  readonly output?: unknown;
  /** Images, audio, files... sent to the model with the result (in the next prompt of the chain). */
  readonly attachments?: readonly Attachment[] | undefined;
}

const TOOL_OUTPUT = Symbol.for('llm.toolOutput');

/**
 * What a tool returns to send attachments with its result (the Python llm's `ToolOutput`):
 * `return new ToolOutput({ output: 'Here is the chart', attachments: [Attachment.fromPath('chart.png')] })`.
 * The attachments go to the model with the next prompt of the chain, and into the log
 * (`tool_results_attachments`).
 */
export class ToolOutput {
  readonly output: unknown;
  readonly attachments: readonly Attachment[];

  constructor(init: ToolOutputInit = {}) {
    this.output = init.output ?? null;
    this.attachments = [...(init.attachments ?? [])];
    Object.defineProperty(this, TOOL_OUTPUT, { value: true });
  }

  /** Whether a value is a ToolOutput (also one made by another copy of llm-host). */
  static is(value: unknown): value is ToolOutput {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TOOL_OUTPUT] === true;
  }
}

/** What running a tool call gave, sent to the model in the next prompt of a chain. */
export interface ToolResult {
  readonly name: string;
  /** The output sent to the model: the tool's result, or `Error: ...` when it failed. */
  readonly output: string;
  /** Attachments the tool returned with its result (`ToolOutput`), sent with the next prompt. */
  readonly attachments?: readonly Attachment[] | undefined;
  readonly toolCallId?: string | undefined;
  /** The toolbox instance whose method ran, if any. */
  readonly instance?: Toolbox | undefined;
  /** What went wrong, when the call failed (also in `output`). */
  readonly exception?: Error | undefined;
}

/** An object schema with no properties: a tool that takes no arguments. */
export const EMPTY_OBJECT_SCHEMA: JsonSchema = Object.freeze({ type: 'object', properties: {} });

/** A tool name as OpenAI accepts it (and as a shell passes it to `-T`). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Throws unless `name` is a usable tool name. */
export function checkToolName(name: unknown): void {
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    throw new Error(`tool name ${JSON.stringify(name)} is not valid: use 1-64 letters, digits, '_' or '-'`);
  }
}
