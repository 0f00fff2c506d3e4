import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { ProgressSnapshot } from '../library.js';
import { formatDuration } from '../services/format.js';
import { ErrorList } from './error-list.js';
import { MetricTable } from './metric-table.js';
import { ProgressBar } from './progress-bar.js';

/**
 * The live view of a running experiment: progress bar; done, failed and running counts; elapsed
 * time and ETA; each metric's running mean and 95% interval (or what `metrics` shows instead); the
 * latest errors.
 */
export function ExperimentView({ snapshot, file, paused = false, metrics }: { snapshot: ProgressSnapshot; file?: string | undefined; paused?: boolean; metrics?: ReactNode }) {
  const s = snapshot;
  return (
    <Box flexDirection="column" paddingY={0}>
      <Text>
        <Text bold>Experiment {s.name}</Text>
        {file ? <Text dimColor> · {file}</Text> : null}
      </Text>
      <ProgressBar ok={s.ok} failed={s.failed} planned={s.planned} />
      <Text>
        <Text color="green">done {s.ok}</Text>
        {' · '}
        <Text color={s.failed > 0 ? 'red' : undefined}>failed {s.failed}</Text>
        {' · '}
        <Text color="yellow">running {s.running}</Text>
        {' · '}elapsed {formatDuration(s.elapsedMs)}
        {' · '}eta {s.etaMs === null ? '-' : formatDuration(s.etaMs)}
        {s.cancelled > 0 ? ` · cancelled ${s.cancelled}` : ''}
      </Text>
      {s.stopping ? (
        <Text color="yellow">Stopping: no new runs start; waiting for the running ones (Ctrl-C again cancels them).</Text>
      ) : paused ? (
        <Text color="yellow">Paused: no new runs start; running ones go on (p resumes).</Text>
      ) : null}
      <Box marginTop={1}>{metrics ?? <MetricTable metrics={s.metrics} />}</Box>
      {s.latestErrors.length > 0 ? (
        <Box marginTop={1}>
          <ErrorList errors={s.latestErrors} />
        </Box>
      ) : null}
    </Box>
  );
}
