import { createInterface } from 'node:readline/promises';

/** Asks at the terminal: the question on stderr, the answer one line of stdin (undefined at its end). */
export async function askAtTerminal(question: string): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string | undefined>((resolve) => {
      lines.once('close', () => resolve(undefined));
      lines.question(question).then(resolve, () => resolve(undefined));
    });
  } finally {
    lines.close();
  }
}

/** Whether a question can be asked: stdin and stderr are a terminal. */
export function hasTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}
