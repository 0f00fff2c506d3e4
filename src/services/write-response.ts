import { once } from 'node:events';
import type { Response, Usage } from '../models/response.js';

/** What `writeResponse` has printed so far (for a caller that handles its errors). */
export interface WrittenText {
  /** Whether any of the response's text was written. */
  printed: boolean;
}

/**
 * Writes a response to `out` chunk by chunk as the model produces them (no buffering), then a
 * final newline if the text did not end with one; returns once the response is also logged.
 * `afterFirstChunk` runs once the first chunk is out (work for the time the rest takes to come). When
 * the response fails part way (a cut stream, Ctrl-C), the partial text is ended with a newline
 * too before the error goes on, so the error message starts a line of its own at a terminal and a
 * piped answer still ends its last line.
 */
export async function writeResponse(
  response: AsyncIterable<string> & Pick<Response, 'done'>,
  out: NodeJS.WritableStream = process.stdout,
  written: WrittenText = { printed: false },
  afterFirstChunk?: () => void,
): Promise<void> {
  let last = '';
  try {
    for await (const chunk of response) {
      if (chunk === '') continue;
      last = chunk;
      const first = !written.printed;
      written.printed = true;
      if (!out.write(chunk)) await once(out, 'drain');
      if (first) afterFirstChunk?.();
    }
  } catch (error) {
    if (written.printed && !last.endsWith('\n')) out.write('\n');
    throw error;
  }
  if (!last.endsWith('\n')) out.write('\n');
  await response.done();
}

/** Token usage as the Python llm prints it: `12 input, 34 output`, with any details. */
export function formatUsage(usage: Usage): string {
  const parts: string[] = [];
  if (usage.input !== undefined) parts.push(`${usage.input} input`);
  if (usage.output !== undefined) parts.push(`${usage.output} output`);
  let text = parts.join(', ') || 'not reported by this model';
  if (usage.details && Object.keys(usage.details).length > 0) text += `, ${JSON.stringify(usage.details)}`;
  return text;
}
