import { readFile } from 'node:fs/promises';
import { LlmError, UsageError, type EmbedItem } from 'llm-host';

/**
 * What to embed, as `llm embed` and `llm similar` take it: `-c TEXT`, else `-i FILE` (`-` for
 * stdin), else stdin; bytes with `--binary`, else UTF-8 text.
 */
export async function readContent(flags: { content?: string | undefined; input?: string | undefined; binary?: boolean }): Promise<EmbedItem> {
  if (flags.content) return flags.binary ? new TextEncoder().encode(flags.content) : flags.content;
  let bytes: Buffer;
  if (flags.input && flags.input !== '-') {
    try {
      bytes = await readFile(flags.input);
    } catch (error) {
      throw new UsageError(`cannot read -i ${flags.input}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  } else {
    if (process.stdin.isTTY && !flags.input) throw new UsageError('Give the content to embed with -c TEXT or -i FILE, or pipe it in.');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    bytes = Buffer.concat(chunks);
  }
  if (bytes.length === 0) throw new LlmError('No content provided: the input was empty.');
  return flags.binary ? new Uint8Array(bytes) : bytes.toString('utf8');
}

/** `--metadata`: a JSON object, or an error that says so. */
export function parseMetadata(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--metadata must be valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--metadata must be a JSON object, e.g. --metadata \'{"source": "notes"}\'');
  return value as Record<string, unknown>;
}

/** oclif reads a lone `-` as an argument, not as `-i`'s value: joins `-i -` into `--input=-`. */
export function joinStdinDash(argv: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === '-i' || argv[i] === '--input') && argv[i + 1] === '-') {
      result.push('--input=-');
      i++;
    } else {
      result.push(argv[i]!);
    }
  }
  return result;
}
