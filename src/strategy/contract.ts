import type { ValidateFunction } from 'ajv';
import { LlmError, messageOf } from '../errors.js';
import { compileSchema, describeSchemaError, loadAjv, type JsonSchema } from '../json-schema.js';

/**
 * A contract that cannot be used: a schema that is not valid JSON Schema, arguments or examples
 * that do not match it, a member without one. The message names the function and what is wrong.
 */
export class ContractError extends LlmError {}

/** Shared definitions a contract's schemas refer to with `{ "$ref": "#/$defs/Name" }`. */
export type SchemaDefinitions = Readonly<Record<string, JsonSchema>>;

/**
 * Compiles one of a function's schemas with ajv, or throws a ContractError saying which schema of
 * which function is wrong and where (the schema's path, ajv's message).
 */
export async function compileContractSchema(schema: JsonSchema, which: string, functionName: string): Promise<ValidateFunction> {
  const invalid = (detail: string) => new ContractError(`The ${which} schema of ${functionName} is not valid JSON Schema: ${detail}`);
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw invalid(`it is ${Array.isArray(schema) ? 'an array' : String(schema)}, not an object`);
  const ajv = await loadAjv();
  let valid: boolean;
  try {
    valid = ajv.validateSchema(schema) as boolean;
  } catch (error) {
    throw invalid(messageOf(error));
  }
  if (!valid) {
    const problems = (ajv.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
    throw invalid([...new Set(problems)].join('; '));
  }
  try {
    return await compileSchema(schema);
  } catch (error) {
    // What the meta-schema cannot see: a $ref to a definition that is not there, say.
    throw invalid(messageOf(error));
  }
}

/** Checks a value against a compiled schema; the problems, or none. */
export function problemsOf(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => describeSchemaError(error, value));
}

/** The schema with `defs` added to its `$defs` (they win over definitions of the same name). */
export function withDefinitions(schema: JsonSchema, defs: SchemaDefinitions | undefined): JsonSchema {
  if (!defs || Object.keys(defs).length === 0 || schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const own = (schema.$defs ?? {}) as SchemaDefinitions;
  return { ...schema, $defs: { ...own, ...defs } };
}

/** The property a non-object output is wrapped in: JSON Schema replies must be objects for some APIs. */
export const RESULT_PROPERTY = 'result';

/**
 * The schema to ask the model for: the output schema itself when it describes an object, else an
 * object with the output in `result` (OpenAI's structured outputs need an object at the root).
 * Root keywords that refer to the whole document (`$defs`, `$id`...) move to the wrapper.
 */
export function replySchema(output: JsonSchema): { schema: JsonSchema; wrapped: boolean } {
  if (output.type === 'object') return { schema: output, wrapped: false };
  const { $defs, definitions, $id, $schema, ...rest } = output;
  const schema: Record<string, unknown> = {
    type: 'object',
    properties: { [RESULT_PROPERTY]: rest },
    required: [RESULT_PROPERTY],
    additionalProperties: false,
  };
  if ($schema !== undefined) schema.$schema = $schema;
  if ($id !== undefined) schema.$id = $id;
  if ($defs !== undefined) schema.$defs = $defs;
  if (definitions !== undefined) schema.definitions = definitions;
  return { schema, wrapped: true };
}
