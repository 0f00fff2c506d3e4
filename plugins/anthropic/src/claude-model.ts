import { LlmError, Model, type ExecuteContext, type JsonSchema, type Prompt } from 'llm-host';
import { DEFAULT_BASE_URL, IMAGE_TYPES, type ClaudeSpec } from './catalog.js';
import { claudeOptionsSchema } from './options-schema.js';

/** What a model needs from the plugin's context at request time. */
export interface ClaudeRuntime {
  /** Environment: ANTHROPIC_BASE_URL and the LLM_ANTHROPIC_* HTTP settings. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The plugin's config options (the same HTTP settings). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The version of llm, for the User-Agent header. */
  readonly version: string;
}

/**
 * A Claude model, called through Anthropic's Messages API. Holds only data; the HTTP client
 * (undici) and the request code load the first time a model runs.
 */
export class ClaudeModel extends Model {
  readonly id: string;
  override readonly label = 'Anthropic Messages';
  override readonly aliases: readonly string[];
  override readonly needsKey = 'anthropic';
  override readonly keyEnvVar = 'ANTHROPIC_API_KEY';
  override readonly supportsSchema = true;
  override readonly supportsTools = true;
  override readonly attachmentTypes: ReadonlySet<string>;
  override readonly optionsSchema: JsonSchema;
  // Private, so that serializing a model (or a response, which refers to it) never shows the
  // environment, which may hold the key.
  readonly #runtime: ClaudeRuntime;

  constructor(
    /** How the model is called. */
    readonly spec: ClaudeSpec,
    runtime: ClaudeRuntime,
  ) {
    super();
    this.#runtime = runtime;
    this.id = `anthropic/${spec.name}`;
    this.aliases = [spec.name, ...spec.aliases];
    this.optionsSchema = claudeOptionsSchema(spec);
    this.attachmentTypes = new Set([...IMAGE_TYPES, ...(spec.pdf ? ['application/pdf'] : [])]);
  }

  /** The plugin's context: environment, config options, version. */
  get runtime(): ClaudeRuntime {
    return this.#runtime;
  }

  /** The API's base URL, without a trailing slash: ANTHROPIC_BASE_URL, else the public API. */
  baseUrl(): string {
    const value = this.runtime.env.ANTHROPIC_BASE_URL || DEFAULT_BASE_URL;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // Reported below.
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new LlmError(`ANTHROPIC_BASE_URL must be an http:// or https:// URL (got ${JSON.stringify(value)}); use e.g. ${DEFAULT_BASE_URL}.`);
    }
    return value.replace(/\/+$/, '');
  }

  /** The options validator and the request code (with undici), loaded before the first prompt needs them. */
  override async prepare(): Promise<void> {
    await Promise.all([super.prepare(), loadMessages()]);
  }

  async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<string> {
    const { runMessages } = await loadMessages();
    yield* runMessages(this, prompt, context);
  }
}

let messages: Promise<typeof import('./messages.js')> | undefined;

/** The request code (and with it undici), imported on the first prompt only. */
function loadMessages(): Promise<typeof import('./messages.js')> {
  messages ??= import('./messages.js');
  return messages;
}
