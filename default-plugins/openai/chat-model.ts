import { LlmError, Model, type ExecuteContext, type JsonSchema, type Prompt } from 'llm-host';
import { DEFAULT_BASE_URL, type ChatModelSpec } from './catalog.js';
import { chatOptionsSchema } from './options-schema.js';

/** What a model needs from the plugin's context at request time. */
export interface ChatModelRuntime {
  /** Environment (OPENAI_BASE_URL, LLM_OPENAI_* settings). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The plugin's config options (timeouts, retries). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The version of llm, for the User-Agent header. */
  readonly version: string;
  /** Where extra models are configured, for error messages. */
  readonly extraModelsPath: string;
}

/**
 * A model served by OpenAI's Chat Completions API or a compatible server. Holds only data; the
 * HTTP client (node:http) and the request code load the first time the model runs.
 */
export class OpenAIChatModel extends Model {
  readonly id: string;
  override readonly label = 'OpenAI Chat';
  override readonly aliases: readonly string[];
  override readonly needsKey: string | undefined;
  override readonly keyEnvVar: string | undefined;
  override readonly canStream: boolean;
  override readonly supportsSchema: boolean;
  override readonly supportsTools: boolean;
  override readonly attachmentTypes: ReadonlySet<string>;
  override readonly optionsSchema: JsonSchema;
  // Private, so that serializing a model (or a response, which refers to it) never shows the
  // environment, which may hold the key.
  readonly #runtime: ChatModelRuntime;

  constructor(
    /** How the model is called. */
    readonly spec: ChatModelSpec,
    runtime: ChatModelRuntime,
  ) {
    super();
    this.#runtime = runtime;
    this.id = spec.id;
    this.aliases = spec.aliases ?? [];
    this.needsKey = spec.keyName;
    this.keyEnvVar = spec.keyEnvVar;
    this.canStream = spec.canStream ?? true;
    this.supportsSchema = spec.supportsSchema ?? false;
    this.supportsTools = spec.supportsTools ?? false;
    this.attachmentTypes = new Set(spec.attachmentTypes ?? []);
    this.optionsSchema = chatOptionsSchema(spec.reasoningEfforts);
  }

  /** The plugin's context: environment, config options, version. */
  get runtime(): ChatModelRuntime {
    return this.#runtime;
  }

  /** The name sent to the API as `model`. */
  get modelName(): string {
    return this.spec.modelName ?? this.spec.id;
  }

  /** The API's base URL (without a trailing slash): `api_base`, else OPENAI_BASE_URL, else the public API. */
  baseUrl(): string {
    const configured = this.spec.apiBase ?? (this.runtime.env.OPENAI_BASE_URL || DEFAULT_BASE_URL);
    const where = this.spec.apiBase ? `The api_base of model '${this.id}' in ${this.runtime.extraModelsPath}` : 'OPENAI_BASE_URL';
    return checkBaseUrl(configured, where);
  }

  /** The options validator, the request code and the HTTP client, loaded before the first prompt needs them. */
  override async prepare(): Promise<void> {
    await Promise.all([super.prepare(), loadChatRequest().then((module) => module.prepareChat())]);
  }

  async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<string> {
    const { runChat } = await loadChatRequest();
    yield* runChat(this, prompt, context);
  }
}

let chatRequest: Promise<typeof import('./chat-request.js')> | undefined;

/** The request code (and with it node:http), imported on the first prompt only. */
function loadChatRequest(): Promise<typeof import('./chat-request.js')> {
  chatRequest ??= import('./chat-request.js');
  return chatRequest;
}

/** Base URLs already checked (one per model or server): the check runs before every request. */
const checkedBaseUrls = new Map<string, string>();

/** A base URL as given, checked to be http(s) and without a trailing slash. */
export function checkBaseUrl(value: string, where: string): string {
  const checked = checkedBaseUrls.get(value);
  if (checked !== undefined) return checked;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LlmError(`${where} is not a URL (got ${JSON.stringify(value)}); use e.g. ${DEFAULT_BASE_URL}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LlmError(`${where} must be an http:// or https:// URL (got ${JSON.stringify(value)}).`);
  }
  const result = value.replace(/\/+$/, '');
  checkedBaseUrls.set(value, result);
  return result;
}
