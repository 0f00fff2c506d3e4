import { Box, Text } from 'ink';
import type { RunRecord } from '../library.js';
import { describeRun, truncate } from '../services/format.js';

/** How many finished runs the list shows. */
export const RUN_LIST_ROWS = 5;

/**
 * The latest finished runs, one line each (the selected one marked), or, once one is selected,
 * the runs around it: `#3 ok 1.4 s (pipeline 212 ms) words=42`.
 */
export function RunList({ runs, selected, width }: { runs: readonly RunRecord[]; selected: number | undefined; width: number }) {
  if (runs.length === 0) return <Text dimColor>no finished runs yet</Text>;
  const end = selected === undefined ? runs.length : Math.min(runs.length, Math.max(selected + 1 + Math.floor(RUN_LIST_ROWS / 2), RUN_LIST_ROWS));
  const start = Math.max(0, end - RUN_LIST_ROWS);
  return (
    <Box flexDirection="column">
      <Text bold>Finished runs ({runs.length})</Text>
      {runs.slice(start, end).map((run, i) => {
        const here = start + i === selected;
        const line = truncate(describeRun(run, width), width - 2);
        return (
          <Text key={run.id} inverse={here} color={run.status === 'ok' ? undefined : 'red'}>
            {here ? '›' : ' '} {line}
          </Text>
        );
      })}
    </Box>
  );
}
