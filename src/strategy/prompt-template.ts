import type { JsonSchema } from '../json-schema.js';

/**
 * The hyperparameters of every `llmFunction`: how it asks, how it asks again, how often, and how
 * it writes JSON into the prompt. Scopes set them by the function's name.
 */
export type LlmFunctionHyperparameters = {
  /**
   * The prompt. `{{name}}`, `{{description}}`, `{{inputSchema}}`, `{{outputSchema}}` and
   * `{{input}}` (JSON) are replaced, and `{{examples}}` and `{{context}}` with a labelled block,
   * or nothing when there are none. A template without `{{input}}` gets the input appended.
   */
  readonly template: string;
  /** The follow-up after an invalid reply; `{{problems}}` is replaced with what was wrong. */
  readonly retryTemplate: string;
  /** How many replies to try before giving up (1 = no retries). */
  readonly maxAttempts: number;
  /** Spaces to indent the JSON in the prompt by; 0 writes it on one line. */
  readonly jsonIndent: number;
};

/** The defaults every `llmFunction` starts from. */
export const DEFAULT_LLM_FUNCTION_HYPERPARAMETERS: LlmFunctionHyperparameters = /* @__PURE__ */ Object.freeze({
  template: [
    'You are the function `{{name}}`: {{description}}',
    '',
    'Its input and its output are JSON values matching these JSON Schemas.',
    '',
    'Input schema:',
    '{{inputSchema}}',
    '',
    'Output schema:',
    '{{outputSchema}}',
    '{{examples}}',
    '{{context}}',
    'Input:',
    '{{input}}',
    '',
    'Reply with the output: one JSON value matching the output schema, and nothing else.',
  ].join('\n'),
  retryTemplate: 'That output is not valid: {{problems}}. Reply again with only the corrected JSON value.',
  maxAttempts: 3,
  jsonIndent: 0,
});

/** JSON Schema of the hyperparameters, for checking values and for optimisers that suggest them. */
export const LLM_FUNCTION_HYPERPARAMETERS_SCHEMA: JsonSchema = /* @__PURE__ */ Object.freeze({
  type: 'object',
  additionalProperties: false,
  properties: {
    template: {
      type: 'string',
      minLength: 1,
      description:
        'The prompt; {{name}}, {{description}}, {{inputSchema}}, {{outputSchema}} and {{input}} (JSON) are replaced, {{examples}} and {{context}} with a labelled block or nothing.',
    },
    retryTemplate: { type: 'string', minLength: 1, description: 'The follow-up after an invalid reply; {{problems}} is replaced with what was wrong.' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 10, description: 'How many replies to try before giving up.' },
    jsonIndent: { type: 'integer', minimum: 0, maximum: 8, description: 'Spaces to indent JSON in the prompt by (0: one line).' },
  },
  required: ['template', 'retryTemplate', 'maxAttempts', 'jsonIndent'],
});

/** Replaces `{{key}}` with `values[key]`; unknown placeholders stay as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? values[key]! : whole));
}

/** What a prompt is made of. */
export interface PromptParts {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema: JsonSchema;
  readonly input: unknown;
  /** Inputs and the replies they should get, in the form the model replies in. */
  readonly examples: readonly { readonly input: unknown; readonly reply: unknown }[];
  /** Data the function may use besides its input, and how to introduce it. */
  readonly context?: { readonly label: string; readonly value: unknown } | undefined;
}

/** The prompt for one call, from the template hyperparameter. */
export function renderPrompt(template: string, parts: PromptParts, jsonIndent: number): string {
  const json = (value: unknown) => JSON.stringify(value, null, jsonIndent || undefined) ?? 'null';
  const examples =
    parts.examples.length === 0
      ? ''
      : `\nExamples:\n${parts.examples.map((example) => `Input: ${json(example.input)}\nOutput: ${json(example.reply)}`).join('\n\n')}\n`;
  const context = parts.context ? `\n${parts.context.label}\n${json(parts.context.value)}\n` : '';
  const input = json(parts.input);
  const filled = fillTemplate(template, {
    name: parts.name,
    description: parts.description,
    inputSchema: json(parts.inputSchema),
    outputSchema: json(parts.outputSchema),
    examples,
    context,
    input,
  });
  const text = template.includes('{{input}}') ? filled : `${filled}\n\nInput:\n${input}`;
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
