import { Box, Text } from 'ink';
import type { BaselineComparison } from '../services/live-comparison.js';
import { formatDifference, formatDifferenceInterval, formatValue } from '../services/format.js';

const METHODS = { 'paired-t': 'paired t', mcnemar: 'McNemar', welch: 'Welch', newcombe: 'Newcombe' } as const;

/** Each metric so far against the baseline: both means, the difference, its 95% interval, n and the method. */
export function BaselineTable({ comparison }: { comparison: BaselineComparison }) {
  const header = ['metric', 'baseline', 'now', 'difference', '95% CI', 'n', 'method'];
  const rows = comparison.metrics.map((m) => [
    m.name,
    formatValue(m.baseline, m.kind),
    formatValue(m.current, m.kind),
    formatDifference(m.difference, m.kind),
    formatDifferenceInterval(m.ci, m.kind),
    m.method === null ? '' : m.inputs !== null ? `${m.inputs} inputs` : `${m.executions} runs`,
    m.method === null ? 'not in the baseline' : METHODS[m.method],
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 || i === 6 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>Against {comparison.reference}</Text>
        <Text dimColor>
          {' '}
          ({comparison.id}), {comparison.paired ? 'paired by input' : 'unpaired: the inputs differ'}; now - baseline
        </Text>
      </Text>
      <Text bold>{line(header)}</Text>
      {rows.map((row) => (
        <Text key={row[0]}>{line(row)}</Text>
      ))}
      {rows.length === 0 ? <Text dimColor>no metrics</Text> : null}
    </Box>
  );
}
