import { setTimeout as sleep } from 'node:timers/promises';
import { LlmError } from '../../../src/errors.js';
import { inferSchema, trackHyperparameters, withHyperparameters, type HyperparameterScope } from '../../../src/strategy/hyperparameters.js';
import { runTraced } from '../../../src/strategy/trace.js';

// Hyperparameters without any model: the values a tracked function sees, scope by scope.

const summarize = trackHyperparameters(
  async function summarize(hp: { maxWords: number; style: string; tags: string[] }, text: string) {
    return `${hp.style}:${hp.maxWords}:${hp.tags.join('+')}:${text}`;
  },
  { maxWords: 50, style: 'plain', tags: ['a'] },
);

describe('trackHyperparameters and withHyperparameters', () => {
  it('uses the defaults outside any scope', async () => {
    expect(await summarize('x')).toBe('plain:50:a:x');
    expect(summarize.name).toBe('summarize');
    expect(summarize.defaults).toEqual({ maxWords: 50, style: 'plain', tags: ['a'] });
  });

  it('lets a scope override them by function name, inner scopes over outer ones, name by name', async () => {
    const seen: string[] = [];
    await withHyperparameters({ summarize: { maxWords: 10, style: 'terse' }, other: { x: 1 } }, async (outer) => {
      seen.push(await summarize('1'));
      await withHyperparameters({ summarize: { maxWords: 5 } }, async (inner) => {
        seen.push(await summarize('2'));
        expect(inner.values).toEqual({ summarize: { maxWords: 5, style: 'terse' }, other: { x: 1 } });
      });
      seen.push(await summarize('3'));
      expect(outer.values.summarize).toEqual({ maxWords: 10, style: 'terse' });
    });
    seen.push(await summarize('4'));
    expect(seen).toEqual(['terse:10:a:1', 'terse:5:a:2', 'terse:10:a:3', 'plain:50:a:4']);
  });

  it('lets explicit values win over every scope', async () => {
    await withHyperparameters({ summarize: { maxWords: 10, style: 'terse' } }, async () => {
      expect(await summarize.with({ maxWords: 99 })('x')).toBe('terse:99:a:x');
      expect(await summarize.resolve({ style: 'loud' })).toEqual({ maxWords: 10, style: 'loud', tags: ['a'] });
    });
  });

  it('records what each tracked function ran with in every enclosing scope, as JSON', async () => {
    const translate = trackHyperparameters(async (hp: { language: string }, text: string) => `${hp.language}:${await summarize(text)}`, { language: 'fr' }, { name: 'translate' });
    let inner: HyperparameterScope | undefined;
    const outer = await withHyperparameters({ translate: { language: 'de' } }, async (scope) => {
      await withHyperparameters({ summarize: { tags: ['b', 'c'] } }, async (s) => {
        inner = s;
        expect(await translate('x')).toBe('de:plain:50:b+c:x');
      });
      return scope;
    });
    expect(inner!.used).toEqual({ translate: { language: 'de' }, summarize: { maxWords: 50, style: 'plain', tags: ['b', 'c'] } });
    expect(outer.used).toEqual(inner!.used);
    expect(JSON.parse(JSON.stringify(outer.used))).toEqual(outer.used);
  });

  it('keeps concurrent scopes apart across awaits', async () => {
    const slow = trackHyperparameters(async (hp: { n: number }, delay: number) => {
      await sleep(delay);
      return hp.n;
    }, { n: 0 }, { name: 'slow' });
    const results = await Promise.all([
      withHyperparameters({ slow: { n: 1 } }, () => slow(30)),
      withHyperparameters({ slow: { n: 2 } }, () => slow(5)),
      slow(10),
    ]);
    expect(results).toEqual([1, 2, 0]);
  });

  it('checks values against the schema inferred from the defaults, or the one given', async () => {
    await withHyperparameters({ summarize: { maxWords: 'ten', style: 'x', tagz: [] } }, async () => {
      await expect(summarize('x')).rejects.toThrow(
        new LlmError("The hyperparameters of summarize are not valid: (root) has unexpected property 'tagz'; /maxWords must be number (got \"ten\")"),
      );
    });
    const bounded = trackHyperparameters(async (hp: { n: number }) => hp.n, { n: 1 }, {
      name: 'bounded',
      schema: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 3 } }, additionalProperties: false },
    });
    await expect(bounded.with({ n: 4 })()).rejects.toThrow('The hyperparameters of bounded are not valid: /n must be <= 3 (got 4)');
    expect(inferSchema({ a: 'x', b: 1.5, c: true, d: null, e: [1], f: {} })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' }, c: { type: 'boolean' }, d: {}, e: { type: 'array' }, f: { type: 'object' } },
      additionalProperties: false,
    });
  });

  it('rejects values that are not JSON, and functions without a name', async () => {
    expect(() => trackHyperparameters(async (hp: { f: unknown }) => hp, { f: () => 1 }, { name: 'f' })).toThrow(
      'Hyperparameters must be JSON values: the defaults of f a function is not a JSON value',
    );
    expect(() => trackHyperparameters(async () => 1, {})).toThrow('trackHyperparameters needs a name: pass a named function or { name }');
    await expect(withHyperparameters({ summarize: 3 } as never, async () => 1)).rejects.toThrow("the hyperparameters of 'summarize' must be an object");
  });

  it('makes every call a trace node carrying its hyperparameters and arguments', async () => {
    const { node } = await runTraced('outer', () => withHyperparameters({ summarize: { maxWords: 7 } }, () => summarize('hello')));
    expect(node.toJSON()).toMatchObject({
      name: 'outer',
      kind: 'span',
      result: 'plain:7:a:hello',
      children: [{ name: 'summarize', kind: 'function', arguments: ['hello'], hyperparameters: { maxWords: 7, style: 'plain', tags: ['a'] }, result: 'plain:7:a:hello' }],
    });
  });
});
