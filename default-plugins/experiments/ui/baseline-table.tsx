import { Box, Text } from 'ink';
import type { BaselineComparison } from '../services/live-comparison.js';
import { baselineCells, baselineTitle } from '../services/format.js';

/** Each metric so far against the baseline: both means, the difference, its 95% interval, n and the method. */
export function BaselineTable({ comparison }: { comparison: BaselineComparison }) {
  const { header, rows } = baselineCells(comparison);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 || i === 6 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return (
    <Box flexDirection="column">
      <Text bold>{baselineTitle(comparison)}</Text>
      <Text bold>{line(header)}</Text>
      {rows.map((row) => (
        <Text key={row[0]}>{line(row)}</Text>
      ))}
      {rows.length === 0 ? <Text dimColor>no metrics</Text> : null}
    </Box>
  );
}
