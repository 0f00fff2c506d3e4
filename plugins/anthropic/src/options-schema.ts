import type { JsonSchema } from 'llm-host';
import type { ClaudeSpec } from './catalog.js';

/** The options a Claude model takes, as parsed from `-o name value` and checked before any request. */
export interface ClaudeOptions {
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string | string[];
  user_id?: string;
  cache?: boolean;
  thinking?: boolean;
  thinking_budget?: number;
  thinking_effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
}

/** The smallest thinking budget the API accepts. */
export const MIN_THINKING_BUDGET = 1024;

/**
 * The options schema of a model (checked with ajv by the host): sampling, limits and caching for
 * all; thinking for the models that think, effort for those that take it.
 */
export function claudeOptionsSchema(spec: ClaudeSpec): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    max_tokens: { type: 'integer', minimum: 1, description: `The maximum number of tokens to generate (default ${spec.defaultMaxTokens}).` },
    temperature: { type: 'number', minimum: 0, maximum: 1, description: 'Randomness, 0 to 1 (the API defaults to 1): lower for analytical answers, higher for creative ones.' },
    top_p: { type: 'number', minimum: 0, maximum: 1, description: 'Nucleus sampling: only the tokens within this top probability mass. Set temperature or top_p, not both.' },
    top_k: { type: 'integer', minimum: 1, description: 'Sample only from the top K tokens.' },
    stop_sequences: {
      type: ['string', 'array'],
      items: { type: 'string' },
      minItems: 1,
      description: 'A string, or a JSON list of strings, that stops generation when the model writes it.',
    },
    user_id: { type: 'string', description: 'An opaque id for the user the request is for (metadata.user_id).' },
    cache: { type: 'boolean', description: 'Prompt caching: mark the system prompt and the conversation so far as cacheable.' },
  };
  if (spec.thinking) {
    properties.thinking = { type: 'boolean', description: 'Think before answering (extended thinking).' };
    properties.thinking_budget = {
      type: 'integer',
      minimum: MIN_THINKING_BUDGET,
      description: `Tokens to budget for thinking (at least ${MIN_THINKING_BUDGET}); implies thinking.`,
    };
  }
  if (spec.effort) {
    properties.thinking_effort = { type: 'string', enum: ['low', 'medium', 'high', 'xhigh', 'max'], description: 'How much effort the model spends: low, medium, high, xhigh or max.' };
  }
  return { type: 'object', additionalProperties: false, properties };
}
