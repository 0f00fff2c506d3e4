/// <reference lib="dom" />
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// `llm experiments report` through the built CLI: two small experiments with the offline echo
// model over the same 4 inputs (test/fixtures/experiments/report.mjs), written to one HTML file,
// then loaded in headless Chromium (Debian's, driven by playwright-core: no browser download).
// The screenshot is left in the test's temp folder when a test fails.

const CHROMIUM = process.env.LLM_TEST_CHROMIUM ?? '/usr/bin/chromium';
const FIXTURE = join(repoRoot, 'test', 'fixtures', 'experiments', 'report.mjs');
let dir: ReturnType<typeof tempDir>;
let browser: Browser | undefined;
let passed = 0;
const TESTS = 3;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium; .ci/run does), or set LLM_TEST_CHROMIUM to a Chromium binary.`);
  }
  dir = tempDir('llm-experiments-report-');
  expect((await runCli(['experiments', 'run', FIXTURE], dir.path)).code).toBe(0);
  expect((await runCli(['experiments', 'run', FIXTURE], dir.path, { env: { VARIANT: 'B' } })).code).toBe(0);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});
afterAll(async () => {
  await browser?.close();
  if (passed === TESTS) dir?.remove();
  else if (dir) process.stderr.write(`experiments-report: kept ${dir.path}\n`);
});
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, dir.path, { env });

describe('llm experiments report', () => {
  it('writes one self-contained page that renders every chart in Chromium, escapes outputs, and filters runs', async () => {
    const out = join(dir.path, 'report.html');
    const result = await run(['experiments', 'report', 'report-demo~1', 'report-demo', '-o', out]);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: `Wrote ${out}\n` });
    const page = readFileSync(out, 'utf8');
    // Self-contained: no URL the browser would load (no src=, no href= to http, no @import).
    expect(page).not.toMatch(/<script[^>]+src=|<link|@import|https?:\/\/[^"'\s]*\.(js|css)\b/i);
    expect(readdirSync(dir.path).filter((name) => name.startsWith('report.html'))).toEqual(['report.html']);

    const tab = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`);
    });
    await tab.goto(`file://${out}`);
    await tab.waitForFunction(() => document.getElementById('filter-count')?.textContent === '16 of 16 runs');

    // Every chart drew its marks: per metric, the distributions, the difference and the inputs.
    const charts = await tab.$$eval('figure.chart', (figures) =>
      figures.map((figure) => ({
        chart: `${figure.closest('article')!.querySelector('h3')!.firstChild!.textContent!.trim()} ${(figure as HTMLElement).dataset.chart}`,
        failed: figure.classList.contains('failed'),
        svg: figure.querySelectorAll('svg').length,
        marks: Object.fromEntries(
          ['dot', 'bar', 'rule', 'tick', 'text'].map((mark) => [mark, Array.from(figure.querySelectorAll(`svg g[aria-label="${mark}"]`)).map((g) => g.childElementCount)]),
        ),
      })),
    );
    expect(charts.map((c) => c.chart)).toEqual(['words distribution', 'words difference', 'words per-input', 'short distribution', 'short difference', 'short per-input']);
    for (const chart of charts) {
      expect(chart).toMatchObject({ failed: false });
      expect(chart.svg).toBeGreaterThanOrEqual(1);
    }
    const [wordsDistribution, wordsDifference, wordsPerInput, shortDistribution, shortDifference, shortPerInput] = charts;
    // 8 runs of A and 6 ok runs of B, one dot each; the two means; box plots of both.
    expect(wordsDistribution!.marks.dot).toContain(14);
    expect(wordsDistribution!.marks.dot).toContain(2);
    expect(wordsDistribution!.marks.bar).toEqual([2]);
    expect(shortDistribution!.marks.bar).toEqual([2]);
    expect(shortDistribution!.marks.rule).toContain(2); // both Wilson intervals
    expect(wordsDifference!.marks.dot).toEqual([1]);
    expect(shortDifference!.marks.dot).toEqual([1]);
    expect(shortDifference!.marks.rule).toEqual([1, 1]); // 0, and the interval
    // Paired by input: the 3 inputs B answered (it failed on the fourth).
    expect(wordsPerInput!.marks.dot).toEqual([3]);
    expect(shortPerInput!.marks.dot).toEqual([3]);

    // How they were compared, and the planner's numbers for the difference not shown.
    expect(await tab.locator('#metrics > p').first().textContent()).toMatch(/^B - A: paired by input: .* corrected across the metrics with Holm’s method\.$/);
    expect(await tab.locator('#metric-1 ul.plans li').allTextContents()).toEqual([expect.stringMatching(/^B - A: not enough runs: a difference of 66\.7 pts needs \d+ inputs at 2 executions each/)]);

    // The markup in an input and its echo show as text; nothing ran.
    expect(await tab.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
    expect(await tab.locator('img').count()).toBe(0);
    expect(await tab.locator('#runs').textContent()).toContain('<img src=x onerror="window.injected=1"> tags');
    expect(await tab.locator('#runs').textContent()).toContain('no answer for <b>fail</b>');
    // The setup: the template's and the system prompt's line diffs.
    expect(await tab.locator('figure.diff .add').allTextContents()).toEqual(['+ Tell me about {{ topic }},', '+ in one line.', '+ No hype.']);
    expect(await tab.locator('#setup li').allTextContents()).toEqual(expect.arrayContaining(["bot 'writer' option uppercase: (unset) in A, true in B"]));

    // The filter: text, status, experiment.
    const visible = () => tab.locator('#runs tbody tr:not([hidden])').count();
    await tab.fill('#filter-text', 'PELICANS');
    expect(await visible()).toBe(4);
    expect(await tab.textContent('#filter-count')).toBe('4 of 16 runs');
    await tab.fill('#filter-text', '');
    await tab.selectOption('#filter-status', 'error');
    expect(await visible()).toBe(2);
    expect(await tab.locator('#runs tbody tr:not([hidden]) td:first-child').allTextContents()).toEqual(['B', 'B']);
    await tab.selectOption('#filter-status', '');
    await tab.selectOption('#filter-experiment', 'A');
    expect(await visible()).toBe(8);
    expect(await tab.textContent('#filter-count')).toBe('8 of 16 runs');

    const screenshot = join(dir.path, 'report.png');
    await tab.screenshot({ path: screenshot, fullPage: true });
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
    await tab.close();
    passed++;
  });

  it('--open hands the file to the browser BROWSER names', async () => {
    const opened = join(dir.path, 'opened.txt');
    const fakeBrowser = join(dir.path, 'fake-browser.sh');
    writeFileSync(fakeBrowser, `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(opened)}\n`);
    chmodSync(fakeBrowser, 0o755);
    const out = join(dir.path, 'open.html');
    expect(await run(['experiments', 'report', 'report-demo', '-o', out, '--open'], { BROWSER: fakeBrowser })).toMatchObject({ code: 0, stderr: '' });
    // The launcher is detached and may finish after the CLI exits: wait for what it wrote.
    for (let i = 0; i < 500 && !existsSync(opened); i++) await sleep(20);
    expect(readFileSync(opened, 'utf8')).toBe(`${out}\n`);
    passed++;
  });

  it('fails with one line on an unknown experiment, a missing folder, a folder as -o, or no -o', async () => {
    expect(await run(['experiments', 'report', 'report-demo', 'nope', '-o', join(dir.path, 'x.html')])).toMatchObject({
      code: 1,
      stderr: "Error: No experiment 'nope' in the log: 'llm experiments list' shows the ids and names.\n",
    });
    const missing = join(dir.path, 'no-such-folder', 'x.html');
    expect(await run(['experiments', 'report', 'report-demo', '-o', missing])).toMatchObject({
      code: 2,
      stderr: `Error: Cannot write the report to ${missing}: the folder ${join(dir.path, 'no-such-folder')} does not exist (create it, or give another -o path).\n`,
    });
    expect(await run(['experiments', 'report', 'report-demo', '-o', dir.path])).toMatchObject({
      code: 2,
      stderr: `Error: -o ${dir.path} is a folder: give a file name, e.g. -o ${join(dir.path, 'report.html')}.\n`,
    });
    expect(await run(['experiments', 'report', 'report-demo'])).toMatchObject({
      code: 2,
      stderr: 'Error: Give the file to write with -o, e.g. llm experiments report A B -o report.html.\n',
    });
    expect(existsSync(join(dir.path, 'x.html'))).toBe(false);
    passed++;
  });
});
