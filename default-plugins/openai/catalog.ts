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
  /** Whether the model can call tools (default: false; all built-in models can). */
  readonly supportsTools?: boolean | undefined;
  /** Base URL of an OpenAI-compatible API; unset: OPENAI_BASE_URL, else the public API. */
  readonly apiBase?: string | undefined;
  /** Name of the key in keys.json; undefined for a server that needs none. */
  readonly keyName?: string | undefined;
  /** Environment variable that may hold the key. */
  readonly keyEnvVar?: string | undefined;
  /** Extra HTTP headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** An embedding model (`embedding_model: true` in extra-openai-models.yaml), not a chat model. */
  readonly embeddingModel?: boolean | undefined;
  /** Embedding models: the `dimensions` sent (text-embedding-3 models can shorten their vectors). */
  readonly dimensions?: number | undefined;
  /** MIME types of the attachments it takes (the Python llm's `vision`, `audio`); none by default. */
  readonly attachmentTypes?: readonly string[] | undefined;
}

/** What a model with `vision` takes (the Python llm's list). */
const VISION = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/pdf'] as const;
/** What a model with `audio` takes. */
const AUDIO = ['audio/wav', 'audio/mpeg'] as const;

/** The attachment types for the Python llm's `vision` and `audio` flags. */
export function attachmentTypesFor(vision: boolean, audio: boolean): readonly string[] | undefined {
  const types = [...(vision ? VISION : []), ...(audio ? AUDIO : [])];
  return types.length > 0 ? types : undefined;
}

/** The built-in models: OpenAI's current chat models, all using the `openai` key. */
export const OPENAI_MODELS: readonly ChatModelSpec[] = [
  { id: 'gpt-4o', aliases: ['4o'], supportsSchema: true, attachmentTypes: VISION },
  { id: 'gpt-4o-mini', aliases: ['4o-mini'], supportsSchema: true, attachmentTypes: VISION },
  { id: 'gpt-4o-audio-preview', attachmentTypes: AUDIO },
  { id: 'gpt-4o-mini-audio-preview', attachmentTypes: AUDIO },
  { id: 'gpt-4.1', aliases: ['4.1'], supportsSchema: true, attachmentTypes: VISION },
  { id: 'gpt-4.1-mini', aliases: ['4.1-mini'], supportsSchema: true, attachmentTypes: VISION },
  { id: 'gpt-4.1-nano', aliases: ['4.1-nano'], supportsSchema: true, attachmentTypes: VISION },
  // o1 streams only for some accounts; the Python llm calls it without streaming, and so do we.
  { id: 'o1', reasoningEfforts: O_SERIES_EFFORT, canStream: false, supportsSchema: true, attachmentTypes: VISION },
  { id: 'o3-mini', reasoningEfforts: O_SERIES_EFFORT, supportsSchema: true },
  { id: 'o3', reasoningEfforts: O_SERIES_EFFORT, supportsSchema: true, attachmentTypes: VISION },
  { id: 'o4-mini', reasoningEfforts: O_SERIES_EFFORT, supportsSchema: true, attachmentTypes: VISION },
  { id: 'gpt-5', reasoningEfforts: GPT5_EFFORT, supportsSchema: true, attachmentTypes: VISION },
  { id: 'gpt-5-mini', reasoningEfforts: GPT5_EFFORT, supportsSchema: true, attachmentTypes: VISION },
  { id: 'gpt-5-nano', reasoningEfforts: GPT5_EFFORT, supportsSchema: true, attachmentTypes: VISION },
].map((spec) => ({ ...spec, supportsTools: true, keyName: 'openai', keyEnvVar: 'OPENAI_API_KEY' }));

/** The public API, used when neither OPENAI_BASE_URL nor a model's `api_base` says otherwise. */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * OpenAI's embedding models, with the Python llm's ids and aliases: the `-512`, `-256` and `-1024`
 * variants ask text-embedding-3 for shorter vectors (`dimensions`).
 */
export const OPENAI_EMBEDDING_MODELS: readonly ChatModelSpec[] = [
  { id: 'text-embedding-ada-002', aliases: ['ada', 'ada-002'] },
  { id: 'text-embedding-3-small', aliases: ['3-small'] },
  { id: 'text-embedding-3-large', aliases: ['3-large'] },
  { id: 'text-embedding-3-small-512', modelName: 'text-embedding-3-small', dimensions: 512, aliases: ['3-small-512'] },
  { id: 'text-embedding-3-large-256', modelName: 'text-embedding-3-large', dimensions: 256, aliases: ['3-large-256'] },
  { id: 'text-embedding-3-large-1024', modelName: 'text-embedding-3-large', dimensions: 1024, aliases: ['3-large-1024'] },
].map((spec) => ({ ...spec, embeddingModel: true, keyName: 'openai', keyEnvVar: 'OPENAI_API_KEY' }));
