import { Text } from 'ink';

/** A progress bar: finished runs (failed ones in red) out of the planned, with the percentage. */
export function ProgressBar({ ok, failed, planned, width = 30 }: { ok: number; failed: number; planned: number; width?: number }) {
  const fraction = (n: number) => (planned > 0 ? n / planned : 0);
  const okCells = Math.round(fraction(ok) * width);
  const failedCells = Math.min(width - okCells, failed > 0 ? Math.max(1, Math.round(fraction(failed) * width)) : 0);
  const rest = Math.max(0, width - okCells - failedCells);
  const percent = Math.floor(fraction(ok + failed) * 100);
  return (
    <Text>
      <Text color="green">{'█'.repeat(okCells)}</Text>
      <Text color="red">{'█'.repeat(failedCells)}</Text>
      <Text dimColor>{'░'.repeat(rest)}</Text>
      <Text> {`${ok + failed}/${planned}`.padStart(String(planned).length * 2 + 1)} {String(percent).padStart(3)}%</Text>
    </Text>
  );
}
