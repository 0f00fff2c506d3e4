import { Box, useInput, useStdin, useStdout } from 'ink';
import { useState } from 'react';
import type { MetricResult, ProgressSnapshot, RunRecord } from '../library.js';
import type { BaselineComparison } from '../services/live-comparison.js';
import { BaselineTable } from './baseline-table.js';
import { ExperimentView } from './experiment-view.js';
import { HelpLine } from './help-line.js';
import { RunDetail } from './run-detail.js';
import { RunList } from './run-list.js';

/** What the keys of the live view do to the experiment. */
export interface LiveControls {
  /** `p`: pause or resume starting new runs. */
  togglePause(): void;
  /** `q`: stop gracefully, as the first Ctrl-C does. */
  stop(): void;
  /** Ctrl-C (the terminal is in raw mode, so it comes as a key): as a SIGINT would. */
  interrupt(): void;
}

/** What the live view shows. */
export interface LiveAppProps {
  readonly snapshot: ProgressSnapshot;
  /** Finished runs, in the order they finished. */
  readonly runs: readonly RunRecord[];
  readonly paused: boolean;
  readonly file?: string | undefined;
  /** The baseline (`--baseline NAME`) and how the runs so far compare with it (for `m`). */
  readonly baseline?: { readonly reference: string; compare(runs: readonly RunRecord[], metrics: readonly MetricResult[]): BaselineComparison } | undefined;
  readonly controls: LiveControls;
  /** The last frame, drawn once the experiment is over: no keys, no run list. */
  readonly final?: boolean;
}

/**
 * The interactive live view: progress, counts and metrics as ExperimentView shows them, the
 * latest finished runs and a help line with the keys: `p` pauses or resumes starting runs, `q`
 * stops gracefully, up/down select a finished run and Enter shows it in full (Esc returns), `m`
 * switches the metric table between means with their intervals and the difference against the
 * baseline. Without raw mode on stdin (not a terminal) it shows the same, without keys.
 */
export function LiveApp({ snapshot, runs, paused, file, baseline, controls, final = false }: LiveAppProps) {
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  const width = Math.max(40, (stdout.columns || 100) - 1);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [detail, setDetail] = useState(false);
  const [againstBaseline, setAgainstBaseline] = useState(false);
  const keys = isRawModeSupported && !final;

  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') controls.interrupt();
      else if (input === 'q') controls.stop();
      else if (input === 'p' && !snapshot.stopping) controls.togglePause();
      else if (input === 'm' && baseline) setAgainstBaseline((on) => !on);
      else if (key.upArrow && runs.length > 0) setSelected((at) => (at === undefined ? runs.length - 1 : Math.max(0, at - 1)));
      else if (key.downArrow && selected !== undefined) setSelected((at) => Math.min(runs.length - 1, (at ?? 0) + 1));
      else if (key.return && selected !== undefined) setDetail(true);
      else if (key.escape) {
        if (detail) setDetail(false);
        else setSelected(undefined);
      }
    },
    { isActive: keys },
  );

  const run = selected === undefined ? undefined : runs[selected];
  if (detail && run && !final) {
    return (
      <Box flexDirection="column">
        <RunDetail run={run} metrics={snapshot.metrics} width={width} />
        <Box marginTop={1}>
          <HelpLine keys={[['esc', 'back'], ['↑↓', 'other runs'], ['q', 'stop']]} />
        </Box>
      </Box>
    );
  }
  const comparison = againstBaseline && baseline ? baseline.compare(runs, snapshot.metrics) : undefined;
  return (
    <Box flexDirection="column">
      <ExperimentView snapshot={snapshot} file={file} paused={paused && !final} metrics={comparison ? <BaselineTable comparison={comparison} /> : undefined} />
      {keys ? (
        <>
          <Box marginTop={1}>
            <RunList runs={runs} selected={selected} width={width} />
          </Box>
          <Box marginTop={1}>
            <HelpLine
              keys={[
                ['↑↓', 'select a run'],
                ...(run ? [['enter', 'show it'] as const] : []),
                ...(snapshot.stopping ? [] : [['p', paused ? 'resume' : 'pause'] as const]),
                ['q', 'stop'],
                ...(baseline ? [['m', againstBaseline ? 'show means' : `compare with ${baseline.reference}`] as const] : []),
              ]}
            />
          </Box>
        </>
      ) : null}
    </Box>
  );
}
