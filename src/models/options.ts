import type { ErrorObject } from 'ajv';
import { OptionsError } from '../errors.js';
import { compileSchema, valueAt, type JsonSchema } from '../json-schema.js';

/** The options schema of a model that takes no options. */
export const NO_OPTIONS: JsonSchema = Object.freeze({ type: 'object', properties: {}, additionalProperties: false });

/** What option validation needs to know about a model. */
export interface OptionsOwner {
  readonly id: string;
  readonly optionsSchema: JsonSchema;
}

/**
 * Checks options against a model's options schema and returns them with defaults applied.
 * `fromCli`: the values are strings from `-o key value`, converted by the schema (numbers,
 * booleans, and JSON for object or array options). Unknown keys, wrong types and out-of-range
 * values throw an OptionsError naming every problem.
 */
export async function validateOptions(
  model: OptionsOwner,
  raw: Readonly<Record<string, unknown>>,
  { fromCli = false }: { fromCli?: boolean } = {},
): Promise<Record<string, unknown>> {
  // No options given (most prompts): where the schema cannot reject {} or add defaults, the answer
  // is {} without loading and compiling a validator (ajv is ~40% of a prompt's own CPU time).
  if (Object.keys(raw).length === 0 && acceptsEmpty(model.optionsSchema)) return {};
  const original = { ...raw };
  const data: Record<string, unknown> = fromCli ? coerceCliValues(model.optionsSchema, original) : { ...original };
  const validate = await compileSchema(model.optionsSchema, fromCli ? 'coerce' : 'strict');
  if (validate(data)) return data;
  const problems = (validate.errors ?? []).map((error) => describeOptionError(model, error, original));
  throw new OptionsError(`Invalid options for model '${model.id}': ${[...new Set(problems)].join('; ')}`);
}

/** Compiles a model's options validator now, as the first `validateOptions` would (not for `-o` strings). */
export async function prepareOptions(model: OptionsOwner): Promise<void> {
  await compileSchema(model.optionsSchema, 'strict');
}

/** Keywords that cannot make `{}` invalid or give it defaults: nothing else may appear at the top. */
const INERT_FOR_EMPTY = new Set(['type', 'properties', 'additionalProperties', 'propertyNames', 'patternProperties', 'title', 'description', '$comment', '$schema', '$id', 'examples']);

/**
 * Whether `{}` is valid against an options schema and gets no defaults from it, as ajv (with
 * useDefaults) would decide: an object schema using only keywords that constrain properties
 * that are present, with no `default` on any property. Anything else is left to ajv.
 */
export function acceptsEmpty(schema: JsonSchema): boolean {
  if (schema.type !== 'object') return false;
  if (!Object.keys(schema).every((keyword) => INERT_FOR_EMPTY.has(keyword))) return false;
  const properties = schema.properties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return false;
  return Object.values(properties).every((property) => typeof property === 'object' && property !== null && !Object.hasOwn(property, 'default'));
}

/** Option names a model accepts. */
export function optionNames(schema: JsonSchema): string[] {
  return Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
}

/**
 * What ajv's type coercion does not cover for command-line strings: JSON for object and array
 * options, and yes/no, on/off, 1/0 for booleans.
 */
function coerceCliValues(schema: JsonSchema, values: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, { type?: string | string[] }>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const types = [properties[key]?.type ?? []].flat();
    if (types.includes('boolean') && typeof value === 'string') {
      if (/^(?:true|yes|on|1)$/i.test(value)) {
        result[key] = true;
        continue;
      }
      if (/^(?:false|no|off|0)$/i.test(value)) {
        result[key] = false;
        continue;
      }
    }
    const wantsJson = types.includes('object') || types.includes('array');
    if (wantsJson && typeof value === 'string' && /^\s*[[{]/.test(value)) {
      try {
        result[key] = JSON.parse(value);
        continue;
      } catch {
        // Leave the string as it is: the schema check reports the wrong type.
      }
    }
    result[key] = value;
  }
  return result;
}

function describeOptionError(model: OptionsOwner, error: ErrorObject, original: Record<string, unknown>): string {
  if (error.keyword === 'additionalProperties') {
    const names = optionNames(model.optionsSchema);
    const valid = names.length > 0 ? `valid options: ${names.join(', ')}` : 'this model takes no options';
    return `unknown option '${String(error.params.additionalProperty)}' (${valid})`;
  }
  const path = error.instancePath.slice(1).replaceAll('/', '.') || 'options';
  const got = JSON.stringify(valueAt(original, error.instancePath));
  if (error.keyword === 'enum') {
    const allowed = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
    return `${path} must be one of ${allowed} (got ${got})`;
  }
  return `${path} ${error.message ?? 'is invalid'} (got ${got})`;
}
