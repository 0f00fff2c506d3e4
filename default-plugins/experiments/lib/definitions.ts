import { AsyncLocalStorage } from 'node:async_hooks';
import type { Model } from 'llm-host';

/** A model as a bot names it: a Model, an id or alias, or undefined for the default model. */
export type ModelReference = Model | string | undefined;

const scope = new AsyncLocalStorage<Set<ModelReference>>();

/**
 * Runs `load` (evaluating an experiment file) and returns, beside its result, the models that the
 * bots defined meanwhile name, so that the runner can prepare them before its clock starts.
 */
export async function collectBotModels<T>(load: () => Promise<T>): Promise<{ readonly result: T; readonly models: readonly ModelReference[] }> {
  const models = new Set<ModelReference>();
  const result = await scope.run(models, load);
  return { result, models: [...models] };
}

/** Called where a bot is defined: notes its model if an experiment file is being loaded. */
export function noteBotModel(model: ModelReference): void {
  scope.getStore()?.add(model);
}
