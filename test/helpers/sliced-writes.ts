import type { ServerResponse } from 'node:http';

/** Write sizes of fake servers' streams: small and odd, so that nothing lines up with event, line or character boundaries. */
export const ODD_SLICES: readonly number[] = [1, 3, 7, 2, 5, 11, 4, 13];

/**
 * Writes text as its UTF-8 bytes in writes of these sizes (cycled), one event-loop turn apart so
 * that they reach the client as separate reads. Stops when the client has gone.
 */
export async function writeInSlices(res: ServerResponse, text: string, slices: readonly number[] = ODD_SLICES): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0, i = 0; offset < bytes.length && !res.destroyed; i++) {
    const size = slices[i % slices.length]!;
    res.write(bytes.subarray(offset, offset + size));
    offset += size;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
