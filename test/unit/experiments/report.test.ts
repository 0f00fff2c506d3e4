import { comparableOf } from '../../../default-plugins/experiments/services/summaries.js';
import { compareExperiments } from '../../../default-plugins/experiments/services/compare.js';
import { summaryOf, type ExperimentDetails, type RunRow } from '../../../default-plugins/experiments/services/queries.js';
import { inputLabel, reportData } from '../../../default-plugins/experiments/report/data.js';
import { escapeHtml, html, inlineScript, scriptJson, trusted } from '../../../default-plugins/experiments/report/escape.js';
import { renderReport } from '../../../default-plugins/experiments/report/html.js';
import { lineDiff, promptChanges } from '../../../default-plugins/experiments/report/prompt-diff.js';

// The HTML report's data (built on compareExperiments) and its escaping. The page itself, its
// charts and its filter run in Chromium in test/e2e/experiments-report.test.ts.

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "q" \'s\' <!-- \u2028';

function run(index: number, input: unknown, values: Record<string, number | null>, extra: Partial<RunRow> = {}): RunRow {
  return {
    id: `run${index}`,
    index,
    status: 'ok',
    error: null,
    startedAt: '2026-01-01T00:00:00.000000+00:00',
    durationMs: 12,
    pipelineMs: 10,
    input,
    output: `out ${index}`,
    info: null,
    metrics: values,
    metricErrors: {},
    responses: [],
    ...extra,
  };
}

function details(id: string, name: string, runs: RunRow[], overrides: Partial<ExperimentDetails> = {}): ExperimentDetails {
  return {
    experiment: {
      id,
      name,
      description: null,
      file: null,
      info: null,
      executions: runs.length,
      concurrency: 1,
      timeout_ms: null,
      status: 'completed',
      started_at: '2026-01-01T00:00:00.000000+00:00',
      finished_at: null,
      duration_ms: 10,
      llm_version: null,
      pid: null,
      host: null,
    },
    metrics: [
      { name: 'score', description: 'a score', better: 'higher', kind: 'number' },
      { name: 'ok', description: null, better: 'higher', kind: 'boolean' },
    ],
    runs,
    prompts: [{ name: 'ask', hash: id === 'a' ? 'a'.repeat(64) : 'b'.repeat(64), role: 'user', previousHash: null, runs: runs.length }],
    bots: [{ name: 'writer', kind: 'bot', model: 'echo', system: id === 'a' ? 'Be brief.' : 'Be brief.\nNo hype.', options: {}, runs: runs.length }],
    ...overrides,
  };
}

const inputs = [{ topic: 'pelicans' }, { topic: 'bicycles' }, { topic: 'kites' }];
const A = details(
  'a',
  'pitch',
  inputs.flatMap((input, i) => [run(2 * i, input, { score: i, ok: 1 }), run(2 * i + 1, input, { score: i + 0.5, ok: 0 })]),
);
const B = details(
  'b',
  'pitch',
  inputs.flatMap((input, i) => [run(2 * i, input, { score: i + 1, ok: 1 }), run(2 * i + 1, input, { score: i + 1.25, ok: 1 })]),
);
const TEMPLATES: Record<string, string> = { ['a'.repeat(64)]: 'Tell me about {{ topic }}.', ['b'.repeat(64)]: 'Tell me about {{ topic }},\nin one line.' };
const templates = (_name: string, hash: string) => TEMPLATES[hash];

describe('report data', () => {
  it('letters the experiments, keeps every run value, and takes the statistics from compareExperiments', () => {
    const data = reportData([A, B], templates, { now: new Date('2026-02-03T04:05:06Z') });
    expect(data.experiments.map((e) => e.label)).toEqual(['A: pitch', 'B: pitch']);
    expect(data.generatedAt).toBe('2026-02-03T04:05:06.000Z');
    expect(data.metrics.map((m) => [m.name, m.kind])).toEqual([
      ['score', 'number'],
      ['ok', 'boolean'],
    ]);
    const score = data.metrics[0]!;
    expect(score.values).toHaveLength(12);
    expect(score.values.filter((v) => v.experiment === 'B: pitch').map((v) => v.value)).toEqual([1, 1.25, 2, 2.25, 3, 3.25]);
    expect(score.summaries.map((s) => [s.experiment, s.n, s.mean])).toEqual([
      ['A: pitch', 6, 1.25],
      ['B: pitch', 6, 2.125],
    ]);
    const reference = compareExperiments(comparableOf(summaryOf(A)), comparableOf(summaryOf(B))).metrics.find((m) => m.name === 'score')!;
    expect(score.comparisons).toHaveLength(1);
    expect(score.comparisons[0]).toMatchObject({
      label: 'B - A',
      method: 'paired-t',
      inputs: 3,
      difference: reference.difference,
      ci: reference.ci,
      pValue: reference.pValue,
      pAdjusted: reference.pAdjusted,
      verdict: reference.verdict,
    });
    expect(score.comparisons[0]!.perInput).toEqual([
      { input: 'pelicans', difference: 0.875 },
      { input: 'bicycles', difference: 0.875 },
      { input: 'kites', difference: 0.875 },
    ]);
    expect(data.comparisons[0]!.comparison.differences).toEqual(['prompt \'ask\' template: aaaaaaaa in A, bbbbbbbb in B', "bot 'writer' system prompt differs"]);
  });

  it('shows one experiment alone, rejects none and more than 26, and names a metric only one side has', () => {
    const alone = reportData([A], templates);
    expect(alone.comparisons).toEqual([]);
    expect(alone.metrics[0]!.comparisons).toEqual([]);
    expect(() => reportData([], templates)).toThrow('Give at least one experiment');
    expect(() => reportData(Array.from({ length: 27 }, () => A), templates)).toThrow('A report shows at most 26 experiments (A to Z); 27 were given.');
    const extra = details('c', 'other', [run(0, 'x', { score: 1, ok: 1, extra: 2 })], { metrics: [...A.metrics, { name: 'extra', description: null, better: 'lower', kind: 'integer' }] });
    const data = reportData([A, extra], templates);
    expect(data.metrics.map((m) => m.name)).toEqual(['score', 'ok', 'extra']);
    expect(data.metrics[2]).toMatchObject({ better: 'lower', comparisons: [], values: [{ experiment: 'B: other', run: 0, value: 2 }] });
    expect(data.comparisons[0]!.comparison.paired).toBe(false);
    expect(data.metrics[0]!.comparisons[0]!.perInput).toEqual([]);
  });

  it('labels inputs shortly and uniquely', () => {
    expect(inputLabel('{"topic":"pelicans"}')).toBe('pelicans');
    expect(inputLabel('"plain"')).toBe('plain');
    expect(inputLabel('{"a":1,"b":2}')).toBe('{"a":1,"b":2}');
    expect(inputLabel(JSON.stringify('x'.repeat(80)))).toBe(`${'x'.repeat(59)}…`);
    const long = (tail: string) => ({ topic: `${'y'.repeat(70)}${tail}` });
    const same = [long('1'), long('2')];
    const a = details('a', 'p', same.map((input, i) => run(i, input, { score: i, ok: 1 })));
    const b = details('b', 'p', same.map((input, i) => run(i, input, { score: i + 1, ok: 1 })));
    const labels = reportData([a, b], templates).metrics[0]!.comparisons[0]!.perInput.map((p) => p.input);
    expect(labels).toEqual([`${'y'.repeat(59)}…`, `${'y'.repeat(59)}… (2)`]);
  });
});

describe('prompt diffs', () => {
  it('diffs the changed template and system prompt line by line', () => {
    expect(lineDiff('one\ntwo\n', 'one\nthree\n')).toEqual([
      { op: ' ', text: 'one' },
      { op: '-', text: 'two' },
      { op: '+', text: 'three' },
    ]);
    expect(promptChanges(A, B, templates)).toEqual([
      {
        kind: 'prompt',
        name: 'ask',
        from: 'aaaaaaaa',
        to: 'bbbbbbbb',
        lines: [
          { op: '-', text: 'Tell me about {{ topic }}.' },
          { op: '+', text: 'Tell me about {{ topic }},' },
          { op: '+', text: 'in one line.' },
        ],
      },
      {
        kind: 'system',
        name: 'writer',
        from: 'echo',
        to: 'echo',
        lines: [
          { op: ' ', text: 'Be brief.' },
          { op: '+', text: 'No hype.' },
        ],
      },
    ]);
    expect(promptChanges(A, A, templates)).toEqual([]);
    expect(lineDiff('', 'new')).toEqual([{ op: '+', text: 'new' }]);
  });
});

describe('escaping', () => {
  it('escapes text for HTML, JSON for a script element, and library code for inlining', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const json = scriptJson({ text: HOSTILE });
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ text: HOSTILE });
    const code = 'var s = "</script>", t = "</SCRIPT", c = "<!--";';
    const inlined = inlineScript(code);
    expect(inlined).not.toMatch(/<\/script|<!--/i);
    expect(new Function(`${inlined}; return [s, t, c];`)()).toEqual(['</script>', '</SCRIPT', '<!--']);
    expect(html`<p title="${HOSTILE}">${[HOSTILE, trusted('<b>kept</b>'), null, false, 3]}</p>`.text).toBe(
      `<p title="${escapeHtml(HOSTILE)}">${escapeHtml(HOSTILE)}<b>kept</b>3</p>`,
    );
  });

  it('renders user text in the page as text only: names, inputs, outputs, errors, prompts', () => {
    const hostileRuns = [run(0, { topic: HOSTILE }, { score: 1, ok: 1 }, { output: HOSTILE }), run(1, { topic: 'x' }, { score: null, ok: null }, { status: 'error', error: HOSTILE, metricErrors: { score: HOSTILE } })];
    const a = details('a', HOSTILE, hostileRuns, { bots: [{ name: HOSTILE, kind: 'bot', model: HOSTILE, system: HOSTILE, options: { x: HOSTILE }, runs: 2 }] });
    const b = details('b', 'pitch', hostileRuns, { metrics: [{ name: HOSTILE, description: HOSTILE, better: 'higher', kind: 'number' }] });
    const page = renderReport(reportData([a, b], () => HOSTILE), { d3: '/* d3 */', plot: '/* plot */' });
    // Only the report's own elements: four scripts (data, d3, Plot, the page's) and no image.
    expect(page.match(/<script/g)).toHaveLength(4);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('alert(1)</script>');
    expect(page.split(escapeHtml(HOSTILE)).length - 1).toBeGreaterThanOrEqual(8);
    const data = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(page)![1]!;
    const parsed = JSON.parse(data) as { experiments: string[]; metrics: { name: string }[] };
    expect(parsed.experiments).toEqual([`A: ${HOSTILE}`, 'B: pitch']);
    expect(parsed.metrics.map((m) => m.name)).toEqual(['score', 'ok', HOSTILE]);
  });
});
