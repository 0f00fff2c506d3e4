import { Box, Text } from 'ink';
import type { MetricResult } from '../library.js';
import { formatInterval, formatValue } from '../services/format.js';

/** Each metric's running mean with its 95% confidence interval, the number of values, and errors. */
export function MetricTable({ metrics }: { metrics: readonly MetricResult[] }) {
  if (metrics.length === 0) return <Text dimColor>no metrics</Text>;
  const nameWidth = Math.max(6, ...metrics.map((m) => m.name.length));
  const rows = metrics.map((m) => ({
    name: m.name,
    mean: formatValue(m.mean, m.kind),
    ci: formatInterval(m.ci, m.kind),
    n: String(m.n),
    errors: m.errors,
  }));
  const meanWidth = Math.max(4, ...rows.map((r) => r.mean.length));
  const ciWidth = Math.max(6, ...rows.map((r) => r.ci.length));
  return (
    <Box flexDirection="column">
      <Text bold>
        {'metric'.padEnd(nameWidth)}  {'mean'.padStart(meanWidth)}  {'95% CI'.padEnd(ciWidth)}  n
      </Text>
      {rows.map((row) => (
        <Text key={row.name}>
          {row.name.padEnd(nameWidth)}  <Text color="cyan">{row.mean.padStart(meanWidth)}</Text>  {row.ci.padEnd(ciWidth)}  {row.n}
          {row.errors > 0 ? <Text color="red">{`  ${row.errors} error${row.errors === 1 ? '' : 's'}`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
