import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { LlmError } from '../../../src/errors.js';
import { inferSchema, trackHyperparameters, withHyperparameters, type HyperparameterScope } from '../../../src/strategy/hyperparameters.js';
import { runTraced } from '../../../src/strategy/trace.js';
import { repoRoot } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

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
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    await withHyperparameters({ summarize: { maxWords: 10, style: 'terse' }, other: { x: 1 } }, async (outer) => {
      seen.push(await summarize('1'));
      await withHyperparameters({ summarize: { maxWords: 5 } }, async (inner) => {
        seen.push(await summarize('2'));
        expect(inner.values).toEqual({ summarize: { maxWords: 5, style: 'terse' }, other: { x: 1 } });
      });
      seen.push(await summarize('3'));
      expect(outer.values.summarize).toEqual({ maxWords: 10, style: 'terse' });
      expect(warnings).toEqual([]); // not before the scope ends
    }, { warn });
    seen.push(await summarize('4'));
    expect(seen).toEqual(['terse:10:a:1', 'terse:5:a:2', 'terse:10:a:3', 'plain:50:a:4']);
    // 'other' is no tracked function's name: its values were ignored, which the scope's end says.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^withHyperparameters: no tracked function is named 'other', so its values were not used \(tracked functions: [^)]*\bsummarize\b[^)]*\)\. Name the function explicitly, trackHyperparameters\(fn, defaults, \{ name: 'other' \}\): a bundler may rename a function\.$/);
    // Once per name and process, however many scopes name it.
    await withHyperparameters({ other: { x: 2 } }, () => withHyperparameters({ other: { x: 3 } }, () => 1, { warn }), { warn });
    expect(warnings).toHaveLength(1);
  });

  describe('after bundling, where esbuild renames a function (summarize becomes summarize2)', () => {
    let dir: ReturnType<typeof tempDir>;
    beforeAll(() => (dir = tempDir('llm-hyperparameters-')));
    afterAll(() => dir.remove());

    /** Bundles `code` (importing the library as '#hp') with esbuild, runs it with node, returns what it printed. */
    async function bundleAndRun(name: string, code: string) {
      const entry = join(dir.path, `${name}.ts`);
      writeFileSync(entry, code);
      const outfile = join(dir.path, `${name}.mjs`);
      await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent', alias: { '#hp': join(repoRoot, 'src/strategy/hyperparameters.ts') } });
      const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
      return { code: run.status, stdout: run.stdout, stderr: run.stderr };
    }

    const program = (track: string) => `import { trackHyperparameters, withHyperparameters } from '#hp';
const summarize = trackHyperparameters(${track});
const words = await withHyperparameters({ summarize: { maxWords: 20 } }, () => summarize('text'));
console.log(summarize.name, words);
await withHyperparameters({ summarize: { maxWords: 'twenty' } }, () => summarize('text')).then(console.log, (error) => console.log(error.message));
`;

    it('warns that a scope named no tracked function, listing the names there are', async () => {
      const result = await bundleAndRun('implicit', program(`async function summarize(hp: { maxWords: number }, text: string) { return hp.maxWords; }, { maxWords: 50 }`));
      // The scope's values never reached the function, and the invalid one was not checked either.
      expect(result).toEqual({
        code: 0,
        stdout: 'summarize2 50\n50\n',
        stderr:
          "Warning: withHyperparameters: no tracked function is named 'summarize', so its values were not used (tracked functions: summarize2). Name the function explicitly, trackHyperparameters(fn, defaults, { name: 'summarize' }): a bundler may rename a function.\n",
      });
    });

    it('works with the name given explicitly, as the README does', async () => {
      const result = await bundleAndRun('explicit', program(`async function summarize(hp: { maxWords: number }, text: string) { return hp.maxWords; }, { maxWords: 50 }, { name: 'summarize' }`));
      expect(result).toEqual({ code: 0, stdout: 'summarize 20\nThe hyperparameters of summarize are not valid: /maxWords must be number (got "twenty")\n', stderr: '' });
    });
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
