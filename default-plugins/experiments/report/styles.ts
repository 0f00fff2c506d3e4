/** The report's style sheet (inlined). */
export const STYLES = `
:root { color-scheme: light; --muted: #666; --line: #ddd; --add: #e6ffed; --del: #ffeef0; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 2rem 4rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); } h3 { margin-top: 1.75rem; }
.muted { color: var(--muted); font-weight: normal; }
table { border-collapse: collapse; margin: 0.75rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.significant td { font-weight: 600; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 12em; overflow: auto; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre.error { color: #a00; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
figure { margin: 0.5rem 0; }
figure.chart { min-width: 320px; }
figure.chart.failed { border: 1px solid #a00; padding: 0.5rem; }
figcaption { color: var(--muted); font-size: 0.9em; }
figure.diff pre { max-height: none; border: 1px solid var(--line); padding: 0.5rem; }
figure.diff .add { background: var(--add); display: block; }
figure.diff .del { background: var(--del); display: block; }
figure.diff .same { display: block; }
.filters { display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
#runs td pre { max-width: 28em; }
`;
