import type { ErrorObject, ValidateFunction } from 'ajv';

/** A JSON Schema, as a plain object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

type AjvClass = typeof import('ajv').default;
type AjvInstance = InstanceType<AjvClass>;

const instances = new Map<string, Promise<AjvInstance>>();

/**
 * A shared ajv instance, imported on first use so that commands which validate nothing never
 * load it. `coerce` makes an instance that converts strings from the command line by schema.
 */
export function loadAjv(mode: 'strict' | 'coerce' = 'strict'): Promise<AjvInstance> {
  let instance = instances.get(mode);
  if (!instance) {
    instance = import('ajv').then((module) => {
      // ajv is CommonJS: its class is the module itself, also exposed as `.default`.
      const Ajv = ((module.default as unknown as { default?: AjvClass }).default ?? module.default) as AjvClass;
      return new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: mode === 'coerce' ? 'array' : false });
    });
    instances.set(mode, instance);
  }
  return instance;
}

const compiled = new Map<string, WeakMap<object, ValidateFunction>>();

/** Compiles a schema once per ajv mode and caches the validator against the schema object. */
export async function compileSchema(schema: JsonSchema, mode: 'strict' | 'coerce' = 'strict'): Promise<ValidateFunction> {
  let cache = compiled.get(mode);
  if (!cache) compiled.set(mode, (cache = new WeakMap()));
  let validate = cache.get(schema);
  if (!validate) {
    const ajv = await loadAjv(mode);
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}

/** The value at a JSON pointer such as `/items/0/name`. */
export function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return value;
}

/** One ajv error as a short phrase: `/age must be integer (got "ten")`. */
export function describeSchemaError(error: ErrorObject, data: unknown): string {
  const where = error.instancePath || '(root)';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where} has unexpected property '${String(error.params.additionalProperty)}'`;
    case 'required':
      return `${where} is missing required property '${String(error.params.missingProperty)}'`;
    case 'enum':
      return `${where} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(valueAt(data, error.instancePath))})`;
    default:
      return `${where} ${error.message ?? 'is invalid'} (got ${JSON.stringify(valueAt(data, error.instancePath))})`;
  }
}

/**
 * The JSON value in a model's reply: the reply itself, or the contents of a Markdown code fence
 * around it (models often add one). Throws SyntaxError if it does not parse.
 */
export function parseJsonReply(text: string): unknown {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n\s*```/.exec(text);
  return JSON.parse(fenced ? fenced[1]! : text.trim());
}
