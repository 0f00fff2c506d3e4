import { Text } from 'ink';

/** The keys the live view takes, dimmed, on one line: `[p] pause · [q] stop · ...`. */
export function HelpLine({ keys }: { keys: readonly (readonly [key: string, what: string])[] }) {
  return (
    <Text dimColor>
      {keys.map(([key, what], i) => (
        <Text key={key}>
          {i > 0 ? ' · ' : ''}
          <Text bold>{key}</Text> {what}
        </Text>
      ))}
    </Text>
  );
}
