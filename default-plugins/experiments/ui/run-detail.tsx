import { Box, Text } from 'ink';
import type { MetricResult, RunRecord } from '../library.js';
import { formatRunValue, runTook, truncate } from '../services/format.js';

/** The most lines the detail shows of an input or an output. */
const MAX_LINES = 12;

/** One finished run in full: its input, output, each metric's value (or error), its error and time. */
export function RunDetail({ run, metrics, width }: { run: RunRecord; metrics: readonly MetricResult[]; width: number }) {
  const nameWidth = Math.max(6, ...metrics.map((m) => m.name.length));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>Run #{run.index}</Text>
        <Text dimColor> ({run.id})</Text>: <Text color={run.status === 'ok' ? 'green' : 'red'}>{run.status}</Text>, took {runTook(run)}
      </Text>
      <Section title="Input" value={run.input} width={width} />
      <Section title="Output" value={run.output} width={width} />
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Metrics</Text>
        {metrics.length === 0 ? <Text dimColor>  none</Text> : null}
        {metrics.map((metric) => {
          const value = run.metrics[metric.name];
          return (
            <Text key={metric.name}>
              {'  '}
              {metric.name.padEnd(nameWidth)}{'  '}
              {value === undefined ? (
                <Text dimColor>not scored</Text>
              ) : value.error ? (
                <Text color="red">error: {truncate(value.error, width - nameWidth - 11)}</Text>
              ) : (
                <Text color="cyan">{formatRunValue(value.value, value.kind)}</Text>
              )}
            </Text>
          );
        })}
      </Box>
      {run.error ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color="red">
            Error
          </Text>
          <Text>  {run.error}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** A titled block of text: a string as it is, anything else as indented JSON, cut to fit. */
function Section({ title, value, width }: { title: string; value: unknown; width: number }) {
  const text = value === undefined ? '' : typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  const lines = text.split('\n');
  const shown = lines.slice(0, MAX_LINES).map((line) => (line.length > width - 2 ? `${line.slice(0, width - 3)}…` : line));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{title}</Text>
      {value === undefined ? <Text dimColor>  none</Text> : shown.map((line, i) => <Text key={i}>  {line}</Text>)}
      {lines.length > MAX_LINES ? <Text dimColor>  … {lines.length - MAX_LINES} more lines</Text> : null}
    </Box>
  );
}
