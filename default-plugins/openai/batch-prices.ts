/**
 * OpenAI's list prices in dollars per million tokens (input, output), as published on
 * openai.com/api/pricing in August 2025, for the models the plugin knows. The Batch API charges
 * half of them. Used only to estimate a batch's cost before it is submitted; a model missing here
 * has no estimate (the estimate says so), never a guessed one.
 */
const LIST_PRICES: Readonly<Record<string, readonly [input: number, output: number]>> = {
  'gpt-4o': [2.5, 10],
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  o1: [15, 60],
  o3: [2, 8],
  'o3-mini': [1.1, 4.4],
  'o4-mini': [1.1, 4.4],
  'gpt-5': [1.25, 10],
  'gpt-5-mini': [0.25, 2],
  'gpt-5-nano': [0.05, 0.4],
  'gpt-4-turbo': [10, 30],
  'gpt-3.5-turbo': [0.5, 1.5],
};

/** The Batch API's discount on the list price. */
export const BATCH_DISCOUNT = 0.5;

/**
 * Dollars per million tokens at the Batch API price for a model name as sent (a dated snapshot,
 * `gpt-4o-mini-2024-07-18`, costs what its model does); undefined when unknown.
 */
export function batchPrice(model: string): { input: number; output: number } | undefined {
  const price = LIST_PRICES[model] ?? LIST_PRICES[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')];
  return price ? { input: price[0] * BATCH_DISCOUNT, output: price[1] * BATCH_DISCOUNT } : undefined;
}
