import type { JsonSchema } from '../json-schema.js';
import { ChainResponse, type ChainOptions } from './chain.js';
import { Conversation } from './conversation.js';
import { NO_OPTIONS, prepareOptions, validateOptions } from './options.js';
import { Prompt, type PromptInit } from './prompt.js';
import { Response, type ResponseInit } from './response.js';

/** What `model.execute()` receives besides the prompt. */
export interface ExecuteContext {
  /** Stream chunks as they arrive (false: `--no-stream`, or the model cannot stream). */
  readonly stream: boolean;
  /** The conversation this prompt continues; its `responses` are the earlier turns. */
  readonly conversation: Conversation | undefined;
  /** The API key, when the model needs one. */
  readonly key: string | undefined;
  /** Aborted when the user presses Ctrl-C or the caller gives up. */
  readonly signal: AbortSignal;
  /** The response being produced: record usage, raw JSON and the resolved model on it. */
  readonly response: Response;
}

/** Options for `model.prompt()` and `conversation.prompt()`. */
export interface PromptOptions extends PromptInit, ResponseInit {}

/**
 * A model, as plugins define them: data about the model plus one `execute()` that yields text
 * chunks. Everything else (keys, option checks, timing, logging) is done around it.
 */
export abstract class Model {
  /** Unique model id, e.g. `gpt-4o-mini`. */
  abstract readonly id: string;
  /** Short names for the model, e.g. `4o-mini`. */
  readonly aliases: readonly string[] = [];
  /** Shown before the id in `llm models`, e.g. `OpenAI Chat`. */
  readonly label: string | undefined = undefined;
  /** Name of the key in keys.json this model needs, e.g. `openai`; undefined if it needs none. */
  readonly needsKey: string | undefined = undefined;
  /** Environment variable that may hold the key, e.g. `OPENAI_API_KEY`. */
  readonly keyEnvVar: string | undefined = undefined;
  /** Whether the model can stream its reply. */
  readonly canStream: boolean = true;
  /** Whether the model can be asked for JSON matching a schema. */
  readonly supportsSchema: boolean = false;
  /** Whether the model can call tools (`-T`, `model.chain()`): it reports them with `response.addToolCall()`. */
  readonly supportsTools: boolean = false;
  /**
   * MIME types of the attachments the model takes (`image/png`, `audio/wav`, `application/pdf`...);
   * empty: none. A prompt with another type fails before any request, listing these.
   */
  readonly attachmentTypes: ReadonlySet<string> = new Set();
  /** JSON Schema (an object schema) for the model's options, checked with ajv. */
  readonly optionsSchema: JsonSchema = NO_OPTIONS;

  /** Produces the reply to one prompt, as text chunks. */
  abstract execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<string>;

  /** Prompts the model. Nothing runs until the response is read. */
  prompt(text: string, options: PromptOptions = {}): Response {
    return new Response(new Prompt(text, this, options), options);
  }

  /**
   * Prompts the model with tools and runs the tools it asks for, sending their results back, until
   * it answers without calling one (see `ChainResponse`). Nothing runs until the chain is read.
   */
  chain(text: string, options: ChainOptions = {}): ChainResponse {
    return new ChainResponse(this, text, options);
  }

  /** Starts a conversation: each `conversation.prompt()` sends the earlier turns too. */
  conversation(init: { id?: string; name?: string } = {}): Conversation {
    return new Conversation(this, init);
  }

  /**
   * Checks options against `optionsSchema`; returns them with defaults applied. `fromCli`
   * converts the strings of `-o key value` by the schema.
   */
  validateOptions(options: Readonly<Record<string, unknown>>, settings: { fromCli?: boolean } = {}): Promise<Record<string, unknown>> {
    return validateOptions(this, options, settings);
  }

  /**
   * Loads now what the first prompt would otherwise load on its way (the options validator here;
   * a plugin's model adds its client code), so that the first request costs no more than the next.
   * Calling it is never required. The experiment runner does, before its clock starts, so that
   * the first wave of runs times the model and not module loading.
   */
  async prepare(): Promise<void> {
    await prepareOptions(this);
  }

  toString(): string {
    return `${this.label ?? this.constructor.name}: ${this.id}`;
  }
}
