import { LlmError } from 'llm-host';

/** One request line of a batch input file. */
export interface BatchLine {
  readonly customId: string;
  /** The whole line: `{"custom_id", "method": "POST", "url", "body"}` as JSON, no newline. */
  readonly json: string;
}

/** A line of a batch input file, as the Batch API reads it. */
export function batchLine(customId: string, endpoint: string, body: unknown): BatchLine {
  return { customId, json: JSON.stringify({ custom_id: customId, method: 'POST', url: endpoint, body }) };
}

/**
 * Splits lines into input files that keep the API's limits: at most `requests` lines and `bytes`
 * bytes (UTF-8, a newline after each line) per file, in order, each file as full as it can be. A
 * line bigger than a whole file is an error naming it.
 */
export function splitIntoFiles(lines: readonly BatchLine[], limits: { readonly requests: number; readonly bytes: number }): BatchLine[][] {
  const files: BatchLine[][] = [];
  let current: BatchLine[] = [];
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(line.json) + 1;
    if (bytes > limits.bytes) {
      throw new LlmError(`Request ${line.customId} is ${bytes} bytes, more than a batch file may hold (${limits.bytes}): run without --batch.`);
    }
    if (current.length > 0 && (current.length >= limits.requests || size + bytes > limits.bytes)) {
      files.push(current);
      current = [];
      size = 0;
    }
    current.push(line);
    size += bytes;
  }
  if (current.length > 0) files.push(current);
  return files;
}

/** The text of an input file. */
export function fileText(lines: readonly BatchLine[]): string {
  return lines.map((line) => `${line.json}\n`).join('');
}

/** One line of a batch's output or error file, as the Batch API writes it. */
export interface BatchOutputLine {
  readonly custom_id: string;
  readonly response?: { readonly status_code?: number; readonly body?: unknown } | null;
  readonly error?: { readonly code?: string; readonly message?: string } | null;
}

/** What each custom_id got from a batch: the reply's JSON body, or an error message. */
export function readOutput(...texts: (string | undefined)[]): Map<string, { body: unknown } | { error: string }> {
  const answers = new Map<string, { body: unknown } | { error: string }>();
  for (const text of texts) {
    for (const raw of (text ?? '').split('\n')) {
      if (raw.trim() === '') continue;
      let line: BatchOutputLine;
      try {
        line = JSON.parse(raw) as BatchOutputLine;
      } catch {
        continue; // a broken line answers nothing; its call is reported as unanswered
      }
      if (typeof line.custom_id !== 'string') continue;
      const status = line.response?.status_code;
      if (line.response && status !== undefined && status >= 200 && status < 300) {
        answers.set(line.custom_id, { body: line.response.body });
        continue;
      }
      const body = line.response?.body as { error?: { message?: string } } | undefined;
      const message = line.error?.message ?? body?.error?.message ?? 'no reason given';
      const code = line.error?.code ? ` (${line.error.code})` : status !== undefined ? ` (HTTP ${status})` : '';
      answers.set(line.custom_id, { error: `${message.replace(/\s+/g, ' ').replace(/\.$/, '')}${code}` });
    }
  }
  return answers;
}
