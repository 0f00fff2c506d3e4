import { once } from 'node:events';
import type { Response, Usage } from '../models/response.js';

/**
 * Writes a response to `out` chunk by chunk as the model produces them (no buffering), then a
 * final newline if the text did not end with one; returns once the response is also logged.
 */
export async function writeResponse(response: Response, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  let last = '';
  for await (const chunk of response) {
    last = chunk;
    if (!out.write(chunk)) await once(out, 'drain');
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
