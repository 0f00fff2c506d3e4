import { InterruptedError, UsageError } from '../errors.js';
import { readAll } from './read-prompt.js';

/**
 * A secret typed at the terminal without echo, or read from piped stdin (one trailing newline
 * removed). An empty value is a usage error. (The key store trims the whitespace around a key.)
 */
export async function readSecret(label: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  let value: string;
  if (stdin.isTTY) {
    const { read } = await import('read');
    try {
      value = await read({ prompt: label, silent: true, replace: '', output: process.stderr });
    } catch (error) {
      if ((error as Error).message === 'canceled') throw new InterruptedError();
      throw error;
    } finally {
      // Enter is not echoed with the key: end the prompt's line, so what follows starts its own.
      process.stderr.write('\n');
    }
  } else {
    value = (await readAll(stdin)).replace(/\r?\n$/, '');
  }
  if (value.trim() === '') throw new UsageError('The key is empty: type it at the prompt, pipe it in, or pass --value.');
  return value;
}
