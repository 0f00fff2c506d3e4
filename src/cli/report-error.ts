import { LlmError } from '../errors.js';

interface OclifErrorShape {
  oclif?: { exit?: number | false };
  code?: string;
  skipOclifErrorHandling?: boolean;
}

/**
 * Prints an error on one line of stderr (`Error: ...`) and sets the exit code: the error's own
 * (LlmError), 2 for command-line parse errors, else 1. LLM_DEBUG=1 adds the stack trace.
 */
export function reportError(error: unknown, env: Readonly<Record<string, string | undefined>> = process.env): number {
  const shape = (error ?? {}) as OclifErrorShape;
  if (shape.code === 'EEXIT') return (process.exitCode = Number(shape.oclif?.exit ?? 0));
  if (shape.code === 'EPIPE') return (process.exitCode = 0);
  const exitCode = error instanceof LlmError ? error.exitCode : typeof shape.oclif?.exit === 'number' ? shape.oclif.exit : 1;
  process.stderr.write(`Error: ${oneLine(error)}\n`);
  if (env.LLM_DEBUG === '1' && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
    if (error.cause instanceof Error && error.cause.stack) process.stderr.write(`Caused by: ${error.cause.stack}\n`);
  }
  return (process.exitCode = exitCode);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // oclif parse errors span lines ("Nonexistent flag: --x\nSee more help with --help").
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const text = lines
    .map((line, index) => (index < lines.length - 1 && !/[.:;!?]$/.test(line) ? `${line}.` : line))
    .join(' ')
    .replace(/See more help with --help$/, "See 'llm --help'.");
  return text || (error instanceof Error ? error.name : 'unknown error');
}
