import { EmbeddingModel, type EmbedContext, type EmbedItem } from 'llm-host';
import type { ChatModelSpec } from './catalog.js';
import { checkBaseUrl, type ChatModelRuntime } from './chat-model.js';
import { DEFAULT_BASE_URL } from './catalog.js';

/**
 * An embedding model served by OpenAI's `/embeddings` API or a compatible server: 100 items a
 * request, as the Python llm sends them. Holds only data; the HTTP code loads on the first batch.
 */
export class OpenAIEmbeddingModel extends EmbeddingModel {
  readonly id: string;
  override readonly label = 'OpenAIEmbeddingModel';
  override readonly aliases: readonly string[];
  override readonly needsKey: string | undefined;
  override readonly keyEnvVar: string | undefined;
  override readonly batchSize = 100;
  // Private, so that serializing a model never shows the environment, which may hold the key.
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
  }

  /** The plugin's context: environment, config options, version. */
  get runtime(): ChatModelRuntime {
    return this.#runtime;
  }

  /** The name sent to the API as `model`. */
  get modelName(): string {
    return this.spec.modelName ?? this.spec.id;
  }

  /** The API's base URL: `api_base`, else OPENAI_BASE_URL, else the public API. */
  baseUrl(): string {
    const configured = this.spec.apiBase ?? (this.runtime.env.OPENAI_BASE_URL || DEFAULT_BASE_URL);
    const where = this.spec.apiBase ? `The api_base of model '${this.id}' in ${this.runtime.extraModelsPath}` : 'OPENAI_BASE_URL';
    return checkBaseUrl(configured, where);
  }

  async embedBatch(items: readonly EmbedItem[], context: EmbedContext): Promise<number[][]> {
    const { runEmbeddings } = await import('./embedding-request.js');
    return runEmbeddings(this, items, context);
  }
}
