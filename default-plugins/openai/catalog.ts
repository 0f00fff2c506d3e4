/**
 * The OpenAI chat models `llm` knows, as data: the one place to add or retire a model. Everything
 * about a model that changes how it is called is here; `OpenAIChatModel` turns an entry into a model.
 */

/** Levels of `reasoning_effort` the o-series accepts. */
const O_SERIES_EFFORT = ['low', 'medium', 'high'] as const;
/** GPT-5 adds `minimal`. */
const GPT5_EFFORT = ['minimal', 'low', 'medium', 'high'] as const;

/** How one model is called. */
export interface ChatModelSpec {
  /** The id users type and the log records, e.g. `gpt-4o-mini`. */
  readonly id: string;
  /** The name sent to the API as `model` (default: the id). */
  readonly modelName?: string | undefined;
  /** Short names, e.g. `4o-mini`. */
  readonly aliases?: readonly string[] | undefined;
  /**
   * A reasoning model, with the `reasoning_effort` levels it takes. Reasoning models take no
   * sampling options (temperature, top_p, penalties, logit_bias), and `max_tokens` is sent as
   * `max_completion_tokens`, the only limit they accept.
   */
  readonly reasoningEfforts?: readonly string[] | undefined;
  /** Whether the API streams this model's replies (default: true). */
  readonly canStream?: boolean | undefined;
  /** Whether the model takes `response_format: json_schema` (default: false). */
  readonly supportsSchema?: boolean | undefined;
  /** Base URL of an OpenAI-compatible API; unset: OPENAI_BASE_URL, else the public API. */
  readonly apiBase?: string | undefined;
  /** Name of the key in keys.json; undefined for a server that needs none. */
  readonly keyName?: string | undefined;
  /** Environment variable that may hold the key. */
  readonly keyEnvVar?: string | undefined;
  /** Extra HTTP headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** The built-in models: OpenAI's current chat models, all using the `openai` key. */
export const OPENAI_MODELS: readonly ChatModelSpec[] = [
  { id: 'gpt-4o', aliases: ['4o'], supportsSchema: true },
  { id: 'gpt-4o-mini', aliases: ['4o-mini'], supportsSchema: true },
  { id: 'gpt-4.1', aliases: ['4.1'], supportsSchema: true },
  { id: 'gpt-4.1-mini', aliases: ['4.1-mini'], supportsSchema: true },
  { id: 'gpt-4.1-nano', aliases: ['4.1-nano'], supportsSchema: true },
  // o1 streams only for some accounts; the Python llm calls it without streaming, and so do we.
  { id: 'o1', reasoningEfforts: O_SERIES_EFFORT, canStream: false, supportsSchema: true },
  { id: 'o3-mini', reasoningEfforts: O_SERIES_EFFORT, supportsSchema: true },
  { id: 'o3', reasoningEfforts: O_SERIES_EFFORT, supportsSchema: true },
  { id: 'o4-mini', reasoningEfforts: O_SERIES_EFFORT, supportsSchema: true },
  { id: 'gpt-5', reasoningEfforts: GPT5_EFFORT, supportsSchema: true },
  { id: 'gpt-5-mini', reasoningEfforts: GPT5_EFFORT, supportsSchema: true },
  { id: 'gpt-5-nano', reasoningEfforts: GPT5_EFFORT, supportsSchema: true },
].map((spec) => ({ ...spec, keyName: 'openai', keyEnvVar: 'OPENAI_API_KEY' }));

/** The public API, used when neither OPENAI_BASE_URL nor a model's `api_base` says otherwise. */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
