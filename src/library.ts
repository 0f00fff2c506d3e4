import { createLlm, type Llm } from './host/llm.js';
import type { Collection } from './embeddings/collection.js';
import type { EmbeddingModel } from './embeddings/embedding-model.js';
import type { Model } from './models/model.js';

let shared: Promise<Llm> | undefined;

/**
 * The host behind `getModel()` and `getModels()`: built on first use from the environment
 * (LLM_USER_PATH, config files, installed and default plugins). Code that wants its own world
 * (tests, servers) calls `createLlm()` instead.
 */
export function sharedLlm(): Promise<Llm> {
  shared ??= createLlm();
  return shared;
}

/** A model by id or alias; none means the default model. */
export async function getModel(idOrAlias?: string): Promise<Model> {
  return (await sharedLlm()).getModel(idOrAlias);
}

/** Every model the installed and default plugins provide. */
export async function getModels(): Promise<Model[]> {
  return (await (await sharedLlm()).getModels()).map((entry) => entry.model);
}

/** An embedding model by id or alias; none means the default embedding model. */
export async function getEmbeddingModel(idOrAlias?: string): Promise<EmbeddingModel> {
  return (await sharedLlm()).getEmbeddingModel(idOrAlias);
}

/** Every embedding model the installed and default plugins provide. */
export async function getEmbeddingModels(): Promise<EmbeddingModel[]> {
  return (await (await sharedLlm()).getEmbeddingModels()).map((entry) => entry.model);
}

/**
 * A collection of embeddings in embeddings.db (or `database`), created with `model` when missing
 * (see `Llm.collection`).
 */
export async function openCollection(name: string, options: { database?: string; model?: string | EmbeddingModel; create?: boolean } = {}): Promise<Collection> {
  return (await sharedLlm()).collection(name, options);
}
