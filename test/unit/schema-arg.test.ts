import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { multiSchema, resolveSchemaArg, schemaDsl } from '../../src/services/schema-arg.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('schemaDsl (the Python llm concise schema form)', () => {
  it('reads comma-separated fields with types and descriptions', () => {
    expect(schemaDsl('name, age int, bio: a short bio')).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' }, bio: { type: 'string', description: 'a short bio' } },
      required: ['name', 'age', 'bio'],
    });
    expect(schemaDsl('score float, good bool: is it good?, label str')).toEqual({
      type: 'object',
      properties: { score: { type: 'number' }, good: { type: 'boolean', description: 'is it good?' }, label: { type: 'string' } },
      required: ['score', 'good', 'label'],
    });
  });

  it('reads one field per line, where descriptions may contain commas', () => {
    expect(schemaDsl('name: the name, in full\n  age int: years, rounded down\n\n')).toEqual({
      type: 'object',
      properties: { name: { type: 'string', description: 'the name, in full' }, age: { type: 'integer', description: 'years, rounded down' } },
      required: ['name', 'age'],
    });
  });

  it('wraps a schema for a list of items', () => {
    expect(schemaDsl('name', true)).toEqual(multiSchema(schemaDsl('name')));
    expect(multiSchema({ type: 'object' })).toEqual({ type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } }, required: ['items'] });
  });

  it.each([
    [' , ', /The schema is empty/],
    [': no name', /Schema field ": no name" has no name/],
    ['age integr', /Schema field "age integr" has an unknown type 'integr': .*one of str, int, float, bool/],
    ['name str extra', /Schema field "name str extra" has extra words after the type/],
    ['a, a int', /Schema field 'a' is given twice/],
  ])('rejects %j with a usage error', (dsl, message) => {
    expect(() => schemaDsl(dsl)).toThrow(UsageError);
    expect(() => schemaDsl(dsl)).toThrow(message);
  });
});

describe('resolveSchemaArg (--schema)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const dog = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

  it('takes inline JSON, a file (relative to the working directory) and the concise form', async () => {
    expect(await resolveSchemaArg(JSON.stringify(dog), dir.path)).toEqual(dog);
    mkdirSync(join(dir.path, 'schemas'));
    writeFileSync(join(dir.path, 'schemas', 'dog.json'), JSON.stringify(dog));
    expect(await resolveSchemaArg('schemas/dog.json', dir.path)).toEqual(dog);
    expect(await resolveSchemaArg(join(dir.path, 'schemas', 'dog.json'), '/')).toEqual(dog);
    expect(await resolveSchemaArg('name, age int', dir.path)).toEqual(schemaDsl('name, age int'));
    expect(await resolveSchemaArg('name', dir.path)).toEqual(schemaDsl('name'));
  });

  it('names what is wrong with a bad schema', async () => {
    writeFileSync(join(dir.path, 'broken.json'), '{"type": "object",');
    const cases: [string, RegExp][] = [
      ['{"type": "object",', /^--schema is not valid JSON: /],
      ['broken.json', /^Schema file broken.json is not valid JSON: /],
      ['missing.json', /^Schema file missing.json does not exist\. Give a path/],
      ['./nope/dog', /^Schema file \.\/nope\/dog does not exist/],
      ['{"type": "string"}', /^--schema must describe an object or an array \(its type is "string"\)\.$/],
      ['{"type": "object", "properties": {"a": {"type": "strin"}}}', /^--schema is not a valid JSON Schema: /],
      ['  ', /^--schema is empty/],
    ];
    for (const [value, message] of cases) {
      const error = await resolveSchemaArg(value, dir.path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
