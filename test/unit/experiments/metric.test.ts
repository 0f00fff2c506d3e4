import { coerceMetricValue, metric, MetricError, resolveMetrics, scoreMetric } from '../../../default-plugins/experiments/lib/metric.js';
import type { Metric, MetricContext } from '../../../src/metrics.js';
import { BUILTIN_METRICS } from '../../../default-plugins/experiments/metrics.js';

const context = (options: Record<string, unknown> = {}): MetricContext => ({
  name: 'm',
  options,
  signal: new AbortController().signal,
  getModel: () => Promise.reject(new Error('no models here')),
  annotate: () => {},
});

describe('metric values', () => {
  it('stores booleans as 0/1, integers as integers, floats as they are', () => {
    expect(coerceMetricValue('ok', true)).toEqual({ value: 1, kind: 'boolean' });
    expect(coerceMetricValue('ok', false)).toEqual({ value: 0, kind: 'boolean' });
    expect(coerceMetricValue('stars', 4)).toEqual({ value: 4, kind: 'integer' });
    expect(coerceMetricValue('ratio', 0.25)).toEqual({ value: 0.25, kind: 'number' });
    expect(coerceMetricValue('ratio', -0)).toEqual({ value: -0, kind: 'integer' });
    expect(coerceMetricValue('count', 12n)).toEqual({ value: 12, kind: 'integer' });
  });

  it.each([
    ['a string', 'good', "metric 'q' returned a string (\"good\"): a metric must return a finite number or a boolean"],
    ['an object', { score: 1 }, "metric 'q' returned an object ({\"score\":1}): a metric must return a finite number or a boolean"],
    ['an array', [1, 2], "metric 'q' returned an array ([1,2]): a metric must return a finite number or a boolean"],
    ['NaN', Number.NaN, "metric 'q' returned NaN: a metric must return a finite number or a boolean"],
    ['Infinity', Infinity, "metric 'q' returned Infinity: a metric must return a finite number or a boolean"],
    ['-Infinity', -Infinity, "metric 'q' returned -Infinity: a metric must return a finite number or a boolean"],
    ['null', null, "metric 'q' returned null: a metric must return a finite number or a boolean"],
    ['undefined', undefined, "metric 'q' returned undefined (did it forget to return?): a metric must return a finite number or a boolean"],
    ['a huge bigint', 2n ** 64n, "metric 'q' returned a bigint: a metric must return a finite number or a boolean"],
  ])('rejects %s, naming the metric and what it got', (_what, value, message) => {
    expect(() => coerceMetricValue('q', value)).toThrow(new MetricError(message));
  });

  it('scoreMetric turns a throw or a bad value into an error for that run', async () => {
    const [throws, text, fine] = await resolveMetrics(
      [
        metric('throws', () => {
          throw new Error('no rubric');
        }),
        metric('text', () => 'great' as unknown as number),
        metric('fine', async (output: string) => output.length),
      ],
      [],
    );
    expect(await scoreMetric(throws!, 'x', context())).toEqual({ value: null, error: "metric 'throws' failed: no rubric" });
    expect(await scoreMetric(text!, 'x', context())).toEqual({ value: null, error: expect.stringContaining("metric 'text' returned a string") });
    expect(await scoreMetric(fine!, 'abc', context())).toEqual({ value: 3, kind: 'integer' });
  });
});

describe('metric()', () => {
  it('makes a metric with a direction and description', () => {
    const cost = metric('cost', () => 1, { better: 'lower', description: 'Dollars' });
    expect(cost).toMatchObject({ name: 'cost', better: 'lower', description: 'Dollars' });
    expect(Object.isFrozen(cost)).toBe(true);
  });

  it('checks its name, function and direction', () => {
    expect(() => metric('a:b', () => 1)).toThrow(/metric name "a:b" is not valid/);
    expect(() => metric(' padded', () => 1)).toThrow(/is not valid/);
    expect(() => metric('x', 42 as never)).toThrow("metric 'x' needs a scoring function (got number)");
    expect(() => metric('x', () => 1, { better: 'up' as 'higher' })).toThrow(`metric 'x': better must be 'higher' or 'lower' (got "up")`);
  });
});

describe('resolving an experiment’s metrics', () => {
  it('finds registered metrics by name, with checked options and defaults', async () => {
    const resolved = await resolveMetrics(['length', { metric: 'regex-match', name: 'cites', options: { pattern: '\\[\\d+\\]' } }], BUILTIN_METRICS);
    expect(resolved.map((m) => [m.name, m.better, m.options])).toEqual([
      ['length', 'higher', { unit: 'characters' }],
      ['cites', 'higher', { pattern: '\\[\\d+\\]' }],
    ]);
  });

  it('explains unknown metrics, bad options and duplicate names', async () => {
    await expect(resolveMetrics(['lenght'], BUILTIN_METRICS)).rejects.toThrow(
      "unknown metric 'lenght': the registered metrics are length, json-valid, regex-match, llm-judge; or pass a metric made with metric(name, fn)",
    );
    await expect(resolveMetrics([{ metric: 'regex-match' }], BUILTIN_METRICS)).rejects.toThrow(
      "metric 'regex-match' has invalid options: (root) is missing required property 'pattern'",
    );
    await expect(resolveMetrics([{ metric: 'length', options: { unit: 'pages' } }], BUILTIN_METRICS)).rejects.toThrow(
      /metric 'length' has invalid options: \/unit must be one of "characters", "words", "lines" \(got "pages"\)/,
    );
    await expect(resolveMetrics(['length', 'length'], BUILTIN_METRICS)).rejects.toThrow("two metrics are named 'length': give one of them another name ({ metric, name })");
    await expect(resolveMetrics([42 as unknown as Metric], [])).rejects.toThrow(/an experiment's metrics must be/);
    const plain: Metric = { name: 'plain', score: () => 1 };
    await expect(resolveMetrics([{ metric: 'plain', options: { x: 1 } }], [plain])).rejects.toThrow("metric 'plain' takes no options (got x)");
  });
});

describe('built-in metrics', () => {
  const [length, jsonValid, regexMatch] = BUILTIN_METRICS;
  it('length counts characters, words or lines of text, a response or JSON', async () => {
    expect(await length!.score('héllo wörld', context({ unit: 'characters' }))).toBe(11);
    expect(await length!.score('one two  three\n', context({ unit: 'words' }))).toBe(3);
    expect(await length!.score('a\nb\nc\n', context({ unit: 'lines' }))).toBe(3);
    expect(await length!.score({ a: 1 }, context({}))).toBe(JSON.stringify({ a: 1 }, null, 2).length);
  });

  it('json-valid parses the output, optionally with a fence, and checks a schema', async () => {
    expect(await jsonValid!.score('{"a": 1}', context({}))).toBe(true);
    expect(await jsonValid!.score('```json\n{"a": 1}\n```', context({}))).toBe(false);
    expect(await jsonValid!.score('```json\n{"a": 1}\n```', context({ fenced: true }))).toBe(true);
    const schema = { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } };
    expect(await jsonValid!.score('{"a": 1}', context({ schema }))).toBe(true);
    expect(await jsonValid!.score('{"a": "x"}', context({ schema }))).toBe(false);
    expect(await jsonValid!.score({ a: 2 }, context({ schema }))).toBe(true);
  });

  it('regex-match tests a pattern, and reports a broken one', async () => {
    expect(await regexMatch!.score('See [1].', context({ pattern: '\\[\\d+\\]' }))).toBe(true);
    expect(await regexMatch!.score('HELLO', context({ pattern: 'hello', flags: 'i' }))).toBe(true);
    await expect(Promise.resolve().then(() => regexMatch!.score('x', context({ pattern: '(' })))).rejects.toThrow(/options.pattern is not a valid regular expression/);
  });
});
