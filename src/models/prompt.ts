import type { JsonSchema } from '../json-schema.js';
import type { Model } from './model.js';

/** What a prompt is made of, besides its text and model. */
export interface PromptInit {
  /** The system prompt. */
  readonly system?: string | undefined;
  /** Model options; checked against the model's options schema before the model runs. */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /** A JSON Schema the reply must match (for models with `supportsSchema`). */
  readonly schema?: JsonSchema | undefined;
}

/** One prompt to one model: the text, the system prompt, options and an optional schema. */
export class Prompt {
  /** The system prompt, if any. */
  readonly system: string | undefined;
  /** JSON Schema the reply must match, if any. */
  readonly schema: JsonSchema | undefined;
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
  }
}
