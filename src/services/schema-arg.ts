import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, messageOf } from '../errors.js';
import { loadAjv, type JsonSchema } from '../json-schema.js';

/** The concise form's type names and the JSON Schema types they stand for. */
const DSL_TYPES: Record<string, string> = {
  str: 'string',
  string: 'string',
  int: 'integer',
  integer: 'integer',
  float: 'number',
  number: 'number',
  bool: 'boolean',
  boolean: 'boolean',
};

/**
 * A JSON Schema from the concise form of the Python llm (`llm.schema_dsl`): fields separated by
 * commas, or by newlines when there are several lines (then a description may contain commas).
 * Each field is `name [type][: description]`, type one of str (default), int, float, bool.
 * `name, age int, bio: a short bio` -> an object requiring a string name, an integer age and a
 * string bio with that description. `multi` wraps it as `{ items: [ ... ] }` for a list of them.
 */
export function schemaDsl(text: string, multi = false): JsonSchema {
  const fields = (text.includes('\n') ? text.split('\n') : text.split(',')).map((f) => f.trim()).filter(Boolean);
  if (fields.length === 0) throw new UsageError('The schema is empty: give fields like "name, age int, bio: a short bio".');
  const properties: Record<string, Record<string, string>> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    const head = (colon === -1 ? field : field.slice(0, colon)).trim();
    const description = colon === -1 ? '' : field.slice(colon + 1).trim();
    const [name, type = 'str', ...extra] = head.split(/\s+/);
    if (!name) throw new UsageError(`Schema field "${field}" has no name: write "name [type][: description]".`);
    const jsonType = DSL_TYPES[type];
    if (!jsonType || extra.length > 0) {
      const what = jsonType ? `has extra words after the type` : `has an unknown type '${type}'`;
      throw new UsageError(`Schema field "${field}" ${what}: write "name [type][: description]" with type one of str, int, float, bool.`);
    }
    if (Object.hasOwn(properties, name)) throw new UsageError(`Schema field '${name}' is given twice.`);
    properties[name] = description ? { type: jsonType, description } : { type: jsonType };
  }
  const schema = { type: 'object', properties, required: Object.keys(properties) };
  return multi ? multiSchema(schema) : schema;
}

/** A schema for `{ "items": [ ...objects matching schema ] }`. */
export function multiSchema(schema: JsonSchema): JsonSchema {
  return { type: 'object', properties: { items: { type: 'array', items: schema } }, required: ['items'] };
}

/**
 * What `--schema VALUE` means: inline JSON Schema (starts with `{`), a JSON file, or the concise
 * form (see `schemaDsl`). A name that looks like a file path (ends in .json, or has a slash) but
 * does not exist is an error rather than a one-field schema. The result must be a valid JSON
 * Schema for an object or array, checked with ajv.
 */
export async function resolveSchemaArg(value: string, cwd: string = process.cwd()): Promise<JsonSchema> {
  const text = value.trim();
  if (text === '') throw new UsageError('--schema is empty: give JSON Schema, a file, or fields like "name, age int".');
  let schema: unknown;
  let source: string;
  if (text.startsWith('{')) {
    source = '--schema';
    schema = parseJson(text, source);
  } else if (await isFile(resolve(cwd, text))) {
    source = `Schema file ${text}`;
    schema = parseJson(await readFile(resolve(cwd, text), 'utf8'), source);
  } else if (!text.includes('\n') && !text.includes(',') && !text.includes(':') && (/\.json$/i.test(text) || /[\\/]/.test(text))) {
    throw new UsageError(`Schema file ${text} does not exist. Give a path to a JSON Schema file, inline JSON, or fields like "name, age int".`);
  } else {
    return schemaDsl(text);
  }
  await checkSchema(schema, source);
  return schema as JsonSchema;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${messageOf(error)}`);
  }
}

async function checkSchema(schema: unknown, source: string): Promise<void> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new UsageError(`${source} must be a JSON Schema object, like {"type": "object", ...}.`);
  const type = (schema as { type?: unknown }).type;
  if (type !== undefined && type !== 'object' && type !== 'array') {
    throw new UsageError(`${source} must describe an object or an array (its type is ${JSON.stringify(type)}).`);
  }
  const ajv = await loadAjv();
  try {
    // Compiling checks the schema itself; the validator is compiled again (cached) for the reply.
    ajv.compile(schema);
  } catch (error) {
    throw new UsageError(`${source} is not a valid JSON Schema: ${messageOf(error)}`);
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
