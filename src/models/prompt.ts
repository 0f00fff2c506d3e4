import type { JsonSchema } from '../json-schema.js';
import type { Model } from './model.js';
import type { Tool, ToolResult } from './tool.js';

/** What a prompt is made of, besides its text and model. */
export interface PromptInit {
  /** The system prompt. */
  readonly system?: string | undefined;
  /** Model options; checked against the model's options schema before the model runs. */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /** A JSON Schema the reply must match (for models with `supportsSchema`). */
  readonly schema?: JsonSchema | undefined;
  /** Tools the model may ask to run (for models with `supportsTools`; see `model.chain()`). */
  readonly tools?: readonly Tool[] | undefined;
  /** Results of the tool calls the model asked for in the previous reply of a chain. */
  readonly toolResults?: readonly ToolResult[] | undefined;
}

/** One prompt to one model: the text, the system prompt, options and an optional schema. */
export class Prompt {
  /** The system prompt, if any. */
  readonly system: string | undefined;
  /** JSON Schema the reply must match, if any. */
  readonly schema: JsonSchema | undefined;
  /** Tools the model may ask to run. */
  readonly tools: readonly Tool[];
  /** Results of the previous reply's tool calls, sent with this prompt. */
  readonly toolResults: readonly ToolResult[];
  /** Model options, with the model's defaults applied once the response starts. */
  options: Readonly<Record<string, unknown>>;

  constructor(
    /** The prompt text. */
    readonly prompt: string,
    /** The model the prompt is for. */
    readonly model: Model,
    init: PromptInit = {},
  ) {
    this.system = init.system || undefined;
    this.options = init.options ?? {};
    this.schema = init.schema;
    this.tools = init.tools ?? [];
    this.toolResults = init.toolResults ?? [];
  }
}
