import { formatRunValue, formatTook } from '../services/format.js';
import type { ReportData } from './data.js';
import { html, type SafeHtml } from './escape.js';

/**
 * Every run of every experiment: input, output, each metric's value, errors; with a text filter
 * and selects for the experiment and the status (the page's script hides the rows that do not match).
 */
export function runsSection(data: ReportData): SafeHtml {
  const metrics = data.metrics;
  const total = data.experiments.reduce((n, e) => n + e.details.runs.length, 0);
  return html`<section id="runs-section">
<h2>Runs</h2>
<div class="filters">
<label>Find <input id="filter-text" type="search" placeholder="text in an input, output or error"></label>
<label>Experiment <select id="filter-experiment"><option value="">all</option>${data.experiments.map((e) => html`<option value="${e.letter}">${e.label}</option>`)}</select></label>
<label>Status <select id="filter-status"><option value="">all</option><option value="ok">ok</option><option value="error">error</option></select></label>
<span id="filter-count">${total} runs</span>
</div>
<table id="runs">
<thead><tr><th>exp.</th><th>#</th><th>status</th><th>took</th><th>input</th><th>output</th>${metrics.map((m) => html`<th>${m.name}</th>`)}<th>errors</th></tr></thead>
<tbody>
${data.experiments.flatMap(({ letter, details }) =>
  details.runs.map((run) => {
    const errors = [...(run.error ? [run.error] : []), ...Object.entries(run.metricErrors).map(([name, message]) => `${name}: ${message}`)];
    return html`<tr data-experiment="${letter}" data-status="${run.status}"><td>${letter}</td><td class="num">${run.index}</td><td>${run.status}</td><td class="num">${formatTook(run.durationMs, run.status === 'ok' && details.metrics.length > 0 ? run.pipelineMs : undefined)}</td><td><pre>${text(run.input)}</pre></td><td><pre>${text(run.output)}</pre></td>${metrics.map(
      (m) => html`<td class="num">${run.metricErrors[m.name] ? 'error' : formatRunValue(run.metrics[m.name], m.kind)}</td>`,
    )}<td>${errors.map((e) => html`<pre class="error">${e}</pre>`)}</td></tr>
`;
  }),
)}</tbody>
</table>
</section>`;
}

/** A run's input or output as text: a string as it is, anything else as indented JSON. */
function text(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}
