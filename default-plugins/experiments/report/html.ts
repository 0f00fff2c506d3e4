import { formatDifference, formatDifferenceInterval, formatInterval, formatPValue, formatTime, formatValue } from '../services/format.js';
import { METHODS } from '../services/report.js';
import type { ChartLibraries } from './assets.js';
import type { ReportData, ReportMetric } from './data.js';
import { html, inlineScript, scriptJson, trusted, type SafeHtml } from './escape.js';
import { PAGE_SCRIPT } from './page-script.js';
import { runsSection } from './runs-html.js';
import { setupSection } from './setup-html.js';
import { STYLES } from './styles.js';

/**
 * The report as one HTML file: styles, the charts' data, d3, Observable Plot and the page's
 * script all inline, so it opens anywhere without a network. Every user text is escaped (`html`).
 */
export function renderReport(data: ReportData, libraries: ChartLibraries): string {
  const names = data.experiments.map((e) => e.details.experiment.name);
  const title = `Experiments: ${names.join(' vs ')}`;
  const chartData = { experiments: data.experiments.map((e) => e.label), metrics: data.metrics };
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${trusted(STYLES)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="muted">Written by llm experiments report on ${formatTime(data.generatedAt)}. ${
    data.experiments.length > 1 ? `Each experiment is compared with A, the baseline.` : ''
  }</p>
</header>
${experimentsSection(data)}
<section id="metrics">
<h2>Metrics</h2>
${data.comparisons.map(({ label, comparison }) => html`<p>${label}: ${comparison.paired ? 'paired by input: both ran the same inputs; each input\u2019s runs are averaged, then the differences are tested over inputs (Student\u2019s t; McNemar\u2019s exact test for a rate with one run per input).' : 'unpaired: the inputs differ (or there are none), so each experiment is a sample (Welch\u2019s interval for means, Newcombe\u2019s for rates).'} ${comparison.correction === 'holm' ? 'p-values are corrected across the metrics with Holm\u2019s method.' : 'Each metric is tested on its own (no correction).'}</p>`)}
${data.metrics.length === 0 ? html`<p>These experiments scored no metrics.</p>` : data.metrics.map((metric, i) => metricSection(metric, i, data))}
</section>
${setupSection(data)}
${runsSection(data)}
<script type="application/json" id="report-data">${trusted(scriptJson(chartData))}</script>
<script>${trusted(inlineScript(libraries.d3))}</script>
<script>${trusted(inlineScript(libraries.plot))}</script>
<script>${trusted(inlineScript(PAGE_SCRIPT))}</script>
</body>
</html>
`.text;
}

function experimentsSection(data: ReportData): SafeHtml {
  return html`<section id="experiments">
<h2>Experiments</h2>
<table>
<thead><tr><th></th><th>name</th><th>id</th><th>started</th><th>status</th><th>runs</th><th>ok</th><th>failed</th><th>description</th></tr></thead>
<tbody>
${data.experiments.map(({ letter, details: { experiment: e, runs } }) => {
  const ok = runs.filter((run) => run.status === 'ok').length;
  return html`<tr><th>${letter}</th><td>${e.name}</td><td><code>${e.id}</code></td><td>${formatTime(e.started_at)}</td><td>${e.status}</td><td class="num">${runs.length}/${e.executions}</td><td class="num">${ok}</td><td class="num">${runs.length - ok}</td><td>${e.description ?? ''}</td></tr>`;
})}
</tbody>
</table>
</section>`;
}

function metricSection(metric: ReportMetric, index: number, data: ReportData): SafeHtml {
  const paired = metric.comparisons.some((c) => c.perInput.length > 0);
  const correction = data.comparisons[0]?.comparison.correction === 'holm';
  return html`<article class="metric" id="metric-${index}">
<h3>${metric.name} <span class="muted">(${metric.kind === 'boolean' ? 'a rate' : metric.kind}, ${metric.better} is better)</span></h3>
${metric.description ? html`<p>${metric.description}</p>` : ''}
<table class="summary">
<thead><tr><th>experiment</th><th>n</th><th>mean</th><th>95% CI</th><th>errors</th></tr></thead>
<tbody>${metric.summaries.map(
    (s) => html`<tr><td>${s.experiment}</td><td class="num">${s.n}</td><td class="num">${formatValue(s.mean, metric.kind)}</td><td class="num">${formatInterval(s.ci, metric.kind)}</td><td class="num">${s.errors || ''}</td></tr>`,
  )}</tbody>
</table>
${
  metric.comparisons.length > 0
    ? html`<table class="summary">
<thead><tr><th>difference</th><th>n</th><th>value</th><th>95% CI</th><th>p</th>${correction ? html`<th>p (Holm)</th>` : ''}<th>verdict</th><th>method</th></tr></thead>
<tbody>${metric.comparisons.map(
        (c) =>
          html`<tr class="${c.significant ? 'significant' : ''}"><td>${c.label}</td><td class="num">${c.inputs !== null ? `${c.inputs} inputs (${c.executionsA}/${c.executionsB} runs)` : `${c.executionsA}/${c.executionsB} runs`}</td><td class="num">${formatDifference(c.difference, metric.kind)}</td><td class="num">${formatDifferenceInterval(c.ci, metric.kind)}</td><td class="num">${formatPValue(c.pValue)}</td>${correction ? html`<td class="num">${formatPValue(c.pAdjusted)}</td>` : ''}<td>${c.verdict}</td><td>${METHODS[c.method]}</td></tr>`,
      )}</tbody>
</table>`
    : ''
}
${plans(metric)}
<div class="charts">
<figure class="chart" data-chart="distribution" data-metric="${index}"><figcaption>${metric.kind === 'boolean' ? 'Rate in each experiment, with its 95% (Wilson) interval' : 'Every run\u2019s value in each experiment (box: quartiles); \u25c6 the mean and its 95% interval'}</figcaption></figure>
${metric.comparisons.length > 0 ? html`<figure class="chart" data-chart="difference" data-metric="${index}"><figcaption>Difference from A with its 95% interval${correction ? '; red: significant after Holm\u2019s correction' : '; red: significant at 5%'}</figcaption></figure>` : ''}
${
  paired
    ? html`<figure class="chart" data-chart="per-input" data-metric="${index}"><figcaption>Per input: the difference from A of the input\u2019s mean</figcaption></figure>`
    : metric.comparisons.length > 0
      ? html`<p class="muted">No per-input differences: the experiments did not run the same inputs, so they are compared as independent samples.</p>`
      : ''
}
</div>
</article>`;
}

/** What it would take to show each difference not shown (the planner's numbers, as compare gives them). */
function plans(metric: ReportMetric): SafeHtml | '' {
  const rows = metric.comparisons.filter((c) => c.plan !== null);
  if (rows.length === 0) return '';
  return html`<p class="plans">To detect a difference (80% power, 5% two-sided):</p><ul class="plans">${rows.map((c) => html`<li>${c.label}: ${c.plan}</li>`)}</ul>`;
}
