import type { JsonSchema } from 'llm-host';

/** Options every chat model takes. */
const COMMON: Record<string, JsonSchema> = {
  max_tokens: { type: 'integer', minimum: 1, description: 'Maximum number of tokens to generate.' },
  stop: {
    type: ['string', 'array'],
    items: { type: 'string' },
    minItems: 1,
    maxItems: 4,
    description: 'A string (or a JSON list of up to 4) where the API stops generating.',
  },
  seed: { type: 'integer', description: 'Integer seed to attempt to sample deterministically.' },
  json_object: { type: 'boolean', description: 'Output a valid JSON object {...}. The prompt must mention JSON.' },
};

/** Sampling options, which reasoning models reject. */
const SAMPLING: Record<string, JsonSchema> = {
  temperature: {
    type: 'number',
    minimum: 0,
    maximum: 2,
    description: 'Sampling temperature between 0 and 2: higher is more random, lower more focused.',
  },
  top_p: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    description: 'Nucleus sampling: consider only the tokens within this top probability mass (0.1 = top 10%).',
  },
  frequency_penalty: {
    type: 'number',
    minimum: -2,
    maximum: 2,
    description: 'Between -2 and 2: positive values penalize tokens by how often they already appeared.',
  },
  presence_penalty: {
    type: 'number',
    minimum: -2,
    maximum: 2,
    description: 'Between -2 and 2: positive values penalize tokens that already appeared, favouring new topics.',
  },
  logit_bias: {
    type: 'object',
    propertyNames: { pattern: '^[0-9]+$' },
    additionalProperties: { type: 'integer', minimum: -100, maximum: 100 },
    description: 'Token id to bias between -100 and 100, as JSON: \'{"1712": -100}\'.',
  },
};

/**
 * The options schema of a chat model (checked with ajv before any request). A reasoning model gets
 * `reasoning_effort` with its levels instead of the sampling options.
 */
export function chatOptionsSchema(reasoningEfforts: readonly string[] | undefined): JsonSchema {
  const properties: Record<string, JsonSchema> = reasoningEfforts
    ? {
        ...COMMON,
        reasoning_effort: {
          type: 'string',
          enum: [...reasoningEfforts],
          description: 'How hard the model reasons: less is faster and uses fewer reasoning tokens.',
        },
      }
    : { ...SAMPLING, ...COMMON };
  return { type: 'object', additionalProperties: false, properties };
}
