import type { Response } from '../models/response.js';
import { extractFencedCode } from '../util/fenced-code.js';

/**
 * Waits for the whole reply, then writes only its first (or last) fenced code block, or the whole
 * reply if it has none or the block is empty (a template's `extract: true` / `extract_last: true`). Returns once logged.
 */
export async function writeExtracted(response: Pick<Response, 'text' | 'done'>, which: 'first' | 'last', out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const text = await response.text();
  const code = extractFencedCode(text, { last: which === 'last' }) || text;
  out.write(code.endsWith('\n') ? code : `${code}\n`);
  await response.done();
}
