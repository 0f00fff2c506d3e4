import { OptionsError } from '../../src/errors.js';
import { acceptsEmpty, validateOptions } from '../../src/models/options.js';
import { loadAjv } from '../../src/json-schema.js';
import { chatOptionsSchema } from '../../default-plugins/openai/options-schema.js';
import { EchoModel } from '../../default-plugins/echo/echo-model.js';

const model = {
  id: 'test-model',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      temperature: { type: 'number', minimum: 0, maximum: 2 },
      max_tokens: { type: 'integer', minimum: 1 },
      stream_log: { type: 'boolean' },
      stop: { type: ['string', 'array'], items: { type: 'string' } },
      logit_bias: { type: 'object', additionalProperties: { type: 'number' } },
      effort: { enum: ['low', 'medium', 'high'] },
      seed: { type: 'integer', default: 7 },
    },
  },
};

describe('validateOptions', () => {
  it('converts command-line strings by schema and applies defaults', async () => {
    const options = await validateOptions(
      model,
      { temperature: '0.5', max_tokens: '100', stream_log: 'yes', logit_bias: '{"50256": -100}', stop: 'END' },
      { fromCli: true },
    );
    expect(options).toEqual({ temperature: 0.5, max_tokens: 100, stream_log: true, logit_bias: { 50256: -100 }, stop: 'END', seed: 7 });
  });

  it('rejects an unknown key, naming the valid ones', async () => {
    await expect(validateOptions(model, { temprature: '1' }, { fromCli: true })).rejects.toThrow(
      /unknown option 'temprature' \(valid options: temperature, max_tokens/,
    );
  });

  it('rejects wrong types and out-of-range values, all at once', async () => {
    const error = await validateOptions(model, { temperature: '5', max_tokens: 'lots', effort: 'max' }, { fromCli: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionsError);
    const message = (error as Error).message;
    expect(message).toContain("Invalid options for model 'test-model'");
    expect(message).toContain('temperature must be <= 2 (got "5")');
    expect(message).toContain('max_tokens must be integer (got "lots")');
    expect(message).toContain('effort must be one of "low", "medium", "high" (got "max")');
    expect((error as OptionsError).exitCode).toBe(2);
  });

  it('does not convert values given by library callers', async () => {
    await expect(validateOptions(model, { temperature: '0.5' })).rejects.toThrow(/temperature must be number/);
    await expect(validateOptions(model, { temperature: 0.5 })).resolves.toEqual({ temperature: 0.5, seed: 7 });
  });

  it('says when a model takes no options', async () => {
    const bare = { id: 'bare', optionsSchema: { type: 'object', properties: {}, additionalProperties: false } };
    await expect(validateOptions(bare, { x: '1' }, { fromCli: true })).rejects.toThrow(/this model takes no options/);
  });
});

describe('acceptsEmpty (no options given: no validator needed)', () => {
  const schemas: [string, Record<string, unknown>][] = [
    ['plain properties', { type: 'object', additionalProperties: false, properties: { a: { type: 'integer' }, b: { enum: ['x'] } } }],
    ['no properties', { type: 'object', properties: {}, additionalProperties: false }],
    ['a default', { type: 'object', properties: { a: { type: 'integer', default: 3 } } }],
    ['a required option', { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }],
    ['minProperties', { type: 'object', minProperties: 1 }],
    ['anyOf', { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }] }],
    ['not an object schema', { type: 'array' }],
  ];

  it.each(schemas)('agrees with ajv for %s', async (_name, schema) => {
    const ajv = await loadAjv();
    const data: Record<string, unknown> = {};
    const valid = ajv.compile(schema)(data);
    // Whenever the fast path answers, ajv gives the same answer: valid, with no defaults added.
    if (acceptsEmpty(schema)) expect([valid, data]).toEqual([true, {}]);
    const options = await validateOptions({ id: 'm', optionsSchema: schema }, {}).catch((e: unknown) => e);
    expect(options instanceof OptionsError).toBe(!valid);
    if (valid) expect(options).toEqual(data);
  });

  it('answers for the bundled models, so a prompt without -o loads no validator', () => {
    expect(acceptsEmpty(chatOptionsSchema(undefined))).toBe(true);
    expect(acceptsEmpty(chatOptionsSchema(['low', 'high']))).toBe(true);
    expect(acceptsEmpty(new EchoModel().optionsSchema)).toBe(true);
  });
});
