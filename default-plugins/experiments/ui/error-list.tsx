import { Box, Text } from 'ink';
import { truncate } from '../services/format.js';

/** The latest errors, newest last: which run, and what went wrong. */
export function ErrorList({ errors, width = 100 }: { errors: readonly { index: number; message: string }[]; width?: number }) {
  if (errors.length === 0) return null;
  return (
    <Box flexDirection="column">
      <Text bold color="red">
        Latest errors
      </Text>
      {errors.map((error, i) => (
        <Text key={`${error.index}-${i}`}>
          <Text dimColor>#{error.index} </Text>
          {truncate(error.message, width)}
        </Text>
      ))}
    </Box>
  );
}
