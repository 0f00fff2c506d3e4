import { parseJsonReply, promptForJson, type JsonSchema, type Metric, type MetricContext } from 'llm-host';
import { currentRun } from './lib/run-context.js';

/**
 * The built-in metrics, registered by name (`metrics: ['length', { metric: 'regex-match', options }]`).
 * Each is a plain object; anything heavy (ajv, a model) loads only when a run is scored.
 */

/** An output as text: a string as it is, a response's text, anything else as JSON. */
export function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object' && typeof (output as { textSoFar?: unknown }).textSoFar === 'string') return (output as { textSoFar: string }).textSoFar;
  if (output === undefined) return '';
  return JSON.stringify(output, null, 2) ?? String(output);
}

/** `length`: how long the output is, in characters (default), words or lines. */
export const lengthMetric: Metric = {
  name: 'length',
  description: 'Length of the output in characters (options: { unit: "words" | "lines" })',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { unit: { enum: ['characters', 'words', 'lines'], default: 'characters' } },
  },
  score(output, { options }) {
    const text = outputText(output);
    switch (options.unit) {
      case 'words':
        return text.match(/\S+/g)?.length ?? 0;
      case 'lines':
        return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
      default:
        return [...text].length;
    }
  },
};

/** `json-valid`: whether the output is JSON (and, given a schema, matches it). */
export const jsonValidMetric: Metric = {
  name: 'json-valid',
  description: 'Whether the output is valid JSON, and matches options.schema if given; options.fenced accepts a ```json fence',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { schema: { type: 'object' }, fenced: { type: 'boolean', default: false } },
  },
  async score(output, { options }) {
    let data: unknown;
    if (typeof output === 'string' || (output && typeof output === 'object' && 'textSoFar' in output)) {
      const text = outputText(output);
      try {
        data = options.fenced ? parseJsonReply(text) : JSON.parse(text.trim());
      } catch {
        return false;
      }
    } else {
      data = output;
    }
    if (!options.schema) return true;
    return (await validatorFor(options.schema as JsonSchema))(data);
  },
};

/** `regex-match`: whether the output matches options.pattern (a JavaScript regular expression). */
export const regexMatchMetric: Metric = {
  name: 'regex-match',
  description: 'Whether the output matches options.pattern (a JavaScript regular expression; options.flags, e.g. "i")',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['pattern'],
    properties: { pattern: { type: 'string', minLength: 1 }, flags: { type: 'string', pattern: '^[dgimsuvy]*$' } },
  },
  score(output, { options }) {
    return regexFor(options.pattern as string, (options.flags as string | undefined) ?? '').test(outputText(output));
  },
};

/** The settings of `llm-judge`. */
interface JudgeOptions {
  readonly rubric: string;
  readonly model?: string;
  readonly min: number;
  readonly max: number;
  readonly maxAttempts: number;
}

/**
 * `llm-judge`: asks a model to score the output on a rubric, as a whole number from `min` to
 * `max` (default 1 to 5), with its reasoning, which is added to the run's info. The judge's
 * requests are logged and linked to the run (source `metric:NAME`).
 */
export const judgeMetric: Metric = {
  name: 'llm-judge',
  description: 'A model scores the output on options.rubric, from options.min to options.max (default 1-5); options.model picks the judge',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['rubric'],
    properties: {
      rubric: { type: 'string', minLength: 1 },
      model: { type: 'string', minLength: 1 },
      min: { type: 'integer', default: 1 },
      max: { type: 'integer', default: 5 },
      maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
    },
  },
  async score(output, context) {
    const options = context.options as unknown as JudgeOptions;
    if (options.max <= options.min) throw new Error(`options.max (${options.max}) must be greater than options.min (${options.min})`);
    const model = await context.getModel(options.model);
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['reasoning', 'score'],
      properties: { reasoning: { type: 'string' }, score: { type: 'integer', minimum: options.min, maximum: options.max } },
    };
    const modelOptions = hasOption(model.optionsSchema, 'temperature') ? { temperature: 0 } : {};
    // Recorded like a bot, so that `compare` says when two experiments were judged differently.
    const run = currentRun();
    run?.recordBot({ name: `judge:${context.name}`, model: model.id, system: JUDGE_SYSTEM, options: modelOptions, kind: 'structured', schema });
    const result = await promptForJson<{ reasoning: string; score: number }>({
      model,
      system: JUDGE_SYSTEM,
      prompt: judgePrompt(output, context, options),
      schema,
      options: modelOptions,
      maxAttempts: options.maxAttempts,
      signal: context.signal,
      ...(run ? { log: run.log } : {}),
    });
    context.annotate({ [`${context.name}.reasoning`]: result.data.reasoning });
    return result.data.score;
  },
};

const JUDGE_SYSTEM =
  'You are a careful, impartial evaluator. You score one output against a rubric. Judge only what the rubric asks; ' +
  'do not reward length or style unless the rubric does. Explain your reasoning briefly, then give the score.';

function judgePrompt(output: unknown, context: MetricContext, options: JudgeOptions): string {
  const parts = [`Rubric:\n${options.rubric}`];
  if (context.input !== undefined) parts.push(`The input the output was produced from:\n<input>\n${outputText(context.input)}\n</input>`);
  parts.push(`The output to score:\n<output>\n${outputText(output)}\n</output>`);
  parts.push(`Score it from ${options.min} (worst) to ${options.max} (best), as a whole number.`);
  return parts.join('\n\n');
}

function hasOption(schema: JsonSchema, name: string): boolean {
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  return Boolean(properties && Object.hasOwn(properties, name));
}

/** Every built-in metric, in the order `llm experiments metrics` lists them. */
export const BUILTIN_METRICS: readonly Metric[] = [lengthMetric, jsonValidMetric, regexMatchMetric, judgeMetric];

const regexes = new Map<string, RegExp>();

function regexFor(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let regex = regexes.get(key);
  if (!regex) {
    try {
      regex = new RegExp(pattern, flags.replace('g', ''));
    } catch (error) {
      throw new Error(`options.pattern is not a valid regular expression: ${(error as Error).message}`);
    }
    regexes.set(key, regex);
  }
  return regex;
}

type AjvClass = typeof import('ajv').default;

const validators = new WeakMap<object, (data: unknown) => boolean>();

async function validatorFor(schema: JsonSchema): Promise<(data: unknown) => boolean> {
  let validate = validators.get(schema);
  if (!validate) {
    const module = await import('ajv');
    // ajv is CommonJS: its class is the module itself, also exposed as `.default`.
    const Ajv = ((module.default as unknown as { default?: AjvClass }).default ?? module.default) as AjvClass;
    const compiled = new Ajv({ strict: false, allErrors: false }).compile(schema);
    validate = (data) => compiled(data) === true;
    validators.set(schema, validate);
  }
  return validate;
}
