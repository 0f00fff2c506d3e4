import { UsageError } from '../errors.js';

/** Reads all of a stream as UTF-8 text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return (await readAllBytes(stream)).toString('utf8');
}

/** Reads all of a stream as bytes (`-a -`: an image piped to llm). */
export async function readAllBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * The prompt text: piped stdin joined with the arguments, stdin first. They are joined by a space
 * as the Python llm does, except after a trailing newline. Stdin is read only when it is not a
 * terminal. Nothing at all is a usage error that says how to give a prompt.
 */
export async function readPrompt(words: readonly string[], stdin: NodeJS.ReadStream | null = process.stdin): Promise<string> {
  const text = await readInput(words, stdin);
  if (text.trim() === '') {
    throw new UsageError('No prompt given: pass one as an argument (llm "Ten names for a pet pelican") or pipe text to llm.');
  }
  return text;
}

/**
 * Like `readPrompt`, but no input at all is an empty string (templates and `--save` may need none).
 * `stdin` null: stdin was read already (`-a -`, `-f -`).
 */
export async function readInput(words: readonly string[], stdin: NodeJS.ReadStream | null = process.stdin): Promise<string> {
  const fromArgs = words.join(' ');
  const fromStdin = !stdin || stdin.isTTY ? '' : await readAll(stdin);
  const parts = [fromStdin, fromArgs].filter((part) => part.trim() !== '');
  return parts.length === 2 ? `${fromStdin}${fromStdin.endsWith('\n') ? '' : ' '}${fromArgs}` : (parts[0] ?? '');
}
