import type { JsonSchema } from '../json-schema.js';
import type { Attachment } from './attachment.js';
import { Fragment } from './fragment.js';
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
  /** Images, audio, PDFs... sent with the prompt (the model's `attachmentTypes` says which it takes). */
  readonly attachments?: readonly Attachment[] | undefined;
  /** Text placed before the prompt, in order (`-f`). */
  readonly fragments?: readonly (string | Fragment)[] | undefined;
  /** Text placed before the system prompt, in order (`--sf`). */
  readonly systemFragments?: readonly (string | Fragment)[] | undefined;
}

/**
 * One prompt to one model: the text, the system prompt, options, an optional schema, attachments
 * and fragments. `prompt` and `system` are what the model is sent, fragments included (as the
 * Python llm joins them); `rawPrompt` and `rawSystem` are the text as given, which the log keeps
 * beside the fragments, stored once each.
 */
export class Prompt {
  /** The system prompt as given, without system fragments. */
  readonly rawSystem: string | undefined;
  /** JSON Schema the reply must match, if any. */
  readonly schema: JsonSchema | undefined;
  /** Tools the model may ask to run. */
  readonly tools: readonly Tool[];
  /** Results of the previous reply's tool calls, sent with this prompt. */
  readonly toolResults: readonly ToolResult[];
  /** Model options, with the model's defaults applied once the response starts. */
  options: Readonly<Record<string, unknown>>;
  /** Attachments, in order. */
  readonly attachments: readonly Attachment[];
  /** Fragments before the prompt text, in order. */
  readonly fragments: readonly Fragment[];
  /** Fragments before the system prompt, in order. */
  readonly systemFragments: readonly Fragment[];

  constructor(
    /** The prompt text as given, without fragments. */
    readonly rawPrompt: string,
    /** The model the prompt is for. */
    readonly model: Model,
    init: PromptInit = {},
  ) {
    this.rawSystem = init.system || undefined;
    this.options = init.options ?? {};
    this.schema = init.schema;
    this.tools = init.tools ?? [];
    this.toolResults = init.toolResults ?? [];
    this.attachments = init.attachments ?? [];
    this.fragments = (init.fragments ?? []).map(Fragment.from);
    this.systemFragments = (init.systemFragments ?? []).map(Fragment.from);
  }

  /** The text sent to the model: the fragments, then the prompt, one per line (the Python llm's join). */
  get prompt(): string {
    if (this.fragments.length === 0) return this.rawPrompt;
    return [...this.fragments.map((f) => f.content), ...(this.rawPrompt ? [this.rawPrompt] : [])].join('\n');
  }

  /** The system prompt sent: system fragments, then the system prompt, trimmed, blank-line separated. */
  get system(): string | undefined {
    if (this.systemFragments.length === 0) return this.rawSystem;
    const bits = [...this.systemFragments.map((f) => f.content), this.rawSystem ?? ''].map((bit) => bit.trim()).filter((bit) => bit !== '');
    return bits.length > 0 ? bits.join('\n\n') : undefined;
  }
}
