import type { TraceRecord } from 'llm-host';
import type { TraceSummary } from './store.js';

/** `2025-06-01T10:31:02.123Z` as `2025-06-01 10:31:02` (UTC). */
function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** Milliseconds as `850 ms` or `12.3 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function count(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** One line per trace: id, start (UTC), status, duration, name, kind, calls, responses, models. */
export function formatList(traces: readonly TraceSummary[]): string {
  return traces
    .map((t) => {
      const detail = [t.kind, count(t.calls, 'call'), count(t.responses, 'response'), ...t.models].join(', ');
      return `${t.id}  ${when(t.start)}  ${t.ok ? 'ok   ' : 'error'}  ${duration(t.durationMs).padStart(8)}  ${t.name} (${detail})\n`;
    })
    .join('');
}

/** A JSON value on one line, cut at `width` characters (never cut when `width` is 0). */
function oneLine(value: unknown, width: number): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return width > 0 && text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The tree, one call per line with its details under it; values are cut unless `full`. */
export function formatTree(root: TraceRecord, options: { full: boolean }): string {
  const width = options.full ? 0 : 160;
  const lines: string[] = [];
  const visit = (node: TraceRecord, lead: string, branch: string, isLast: boolean) => {
    const status = node.error ? `error: ${node.error.name}` : 'ok';
    const head = [node.name, node.kind, ...(node.model ? [node.model] : []), duration(node.durationMs), status].join(' · ');
    lines.push(`${lead}${branch}${head}  ${node.id}`);
    const inner = lead + (branch === '' ? '' : isLast ? '    ' : '│   ');
    const pad = inner + (node.children.length > 0 ? '│ ' : '  ');
    if (node.hyperparameters && Object.keys(node.hyperparameters).length > 0) {
      const pairs = Object.entries(node.hyperparameters).map(([key, value]) => `${key}=${oneLine(value, options.full ? 0 : 40)}`);
      lines.push(`${pad}hyperparameters: ${pairs.join(' ')}`);
    }
    if (node.arguments !== undefined) lines.push(`${pad}arguments: ${oneLine(node.arguments, width)}`);
    if (node.context !== undefined) lines.push(`${pad}this: ${oneLine(node.context, width)}`);
    if (node.result !== undefined) lines.push(`${pad}result: ${oneLine(node.result, width)}`);
    if (node.error) {
      lines.push(`${pad}error: ${node.error.message}`);
      if (node.error.rawText !== undefined) lines.push(`${pad}last reply: ${oneLine(node.error.rawText, width)}`);
    }
    if (node.responses.length > 0) lines.push(`${pad}responses: ${node.responses.join(', ')}`);
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      visit(child, inner, last ? '└── ' : '├── ', last);
    });
  };
  visit(root, '', '', true);
  return `${lines.join('\n')}\n`;
}
