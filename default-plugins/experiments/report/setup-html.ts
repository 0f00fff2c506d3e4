import type { ReportData } from './data.js';
import { html, type SafeHtml } from './escape.js';
import type { PromptChange } from './prompt-diff.js';

/**
 * The setups: each experiment's bots (model, options, system prompt) and prompt versions, then,
 * for each experiment compared with A, what differs and a line diff of each changed prompt.
 */
export function setupSection(data: ReportData): SafeHtml {
  return html`<section id="setup">
<h2>Setup</h2>
<table>
<thead><tr><th>experiment</th><th>bot</th><th>model</th><th>options</th><th>system prompt</th><th>runs</th></tr></thead>
<tbody>${data.experiments.flatMap(({ label, details }) =>
    details.bots.length === 0
      ? [html`<tr><td>${label}</td><td colspan="5" class="muted">no bots logged</td></tr>`]
      : details.bots.map(
          (bot) =>
            html`<tr><td>${label}</td><td>${bot.name}${bot.kind === 'structured' ? ' (structured)' : ''}</td><td><code>${bot.model}</code></td><td><code>${Object.keys(bot.options).length > 0 ? JSON.stringify(bot.options) : ''}</code></td><td><pre>${bot.system ?? ''}</pre></td><td class="num">${bot.runs}</td></tr>`,
        ),
  )}</tbody>
</table>
<table>
<thead><tr><th>experiment</th><th>prompt</th><th>role</th><th>version</th><th>previous</th><th>runs</th></tr></thead>
<tbody>${data.experiments.flatMap(({ label, details }) =>
    details.prompts.length === 0
      ? [html`<tr><td>${label}</td><td colspan="5" class="muted">no named prompts logged</td></tr>`]
      : details.prompts.map(
          (p) =>
            html`<tr><td>${label}</td><td>${p.name}</td><td>${p.role ?? ''}</td><td><code>${p.hash.slice(0, 8)}</code></td><td><code>${p.previousHash ? p.previousHash.slice(0, 8) : '(first)'}</code></td><td class="num">${p.runs}</td></tr>`,
        ),
  )}</tbody>
</table>
${data.comparisons.map(
  ({ label, comparison, prompts }) => html`<h3>${label}: what differs</h3>
${comparison.differences.length === 0 ? html`<p>Nothing: the same prompt versions, models, system prompts, options and metrics.</p>` : html`<ul class="differences">${comparison.differences.map((d) => html`<li>${d}</li>`)}</ul>`}
${prompts.map((change) => diffBlock(change))}`,
)}
</section>`;
}

function diffBlock(change: PromptChange): SafeHtml {
  const what = change.kind === 'prompt' ? html`Prompt <b>${change.name}</b>: template <code>${change.from}</code> → <code>${change.to}</code>` : html`Bot <b>${change.name}</b>: system prompt`;
  return html`<figure class="diff"><figcaption>${what}</figcaption><pre>${change.lines.map(
    (line) => html`<span class="${line.op === '+' ? 'add' : line.op === '-' ? 'del' : 'same'}">${line.op} ${line.text}</span>`,
  )}</pre></figure>`;
}
