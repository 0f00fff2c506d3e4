import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LlmError, UsageError, type EmbedItem } from 'llm-host';

/** The formats `embed-multi` reads (the Python llm's names: `nl` is JSON lines). */
export const INPUT_FORMATS = ['json', 'csv', 'tsv', 'nl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** A row as read: its values in column order (the first is the id). */
export type Row = readonly unknown[];

/**
 * Rows of a CSV, TSV, JSON (an array of objects) or JSON lines file, `-` for stdin. The format is
 * `format`, else guessed from the content as sqlite-utils does: `[` is JSON, `{` JSON lines, a tab
 * in the first line TSV, else CSV. CSV and TSV have a header row.
 */
export async function readRows(path: string, format: InputFormat | undefined): Promise<Row[]> {
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  text = text.replace(/^\uFEFF/, '');
  const kind = format ?? sniff(text);
  const where = path === '-' ? 'stdin' : path;
  if (kind === 'json' || kind === 'nl') {
    const objects = kind === 'json' ? parseJsonArray(text, where) : parseJsonLines(text, where);
    return objects.map((object) => Object.values(object));
  }
  const { parse } = await import('csv-parse/sync');
  try {
    const records = parse(text, { delimiter: kind === 'tsv' ? '\t' : ',', relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
    return records.slice(1);
  } catch (error) {
    throw new LlmError(`${where} is not valid ${kind.toUpperCase()}: ${(error as Error).message}. Fix it, or pass --format.`);
  }
}

function sniff(text: string): InputFormat {
  const start = text.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) return 'nl';
  const firstLine = start.split('\n', 1)[0] ?? '';
  return firstLine.includes('\t') ? 'tsv' : 'csv';
}

function parseJsonArray(text: string, where: string): Record<string, unknown>[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LlmError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new LlmError(`${where} must hold a JSON array of objects, each with an id first: [{"id": 1, "text": "..."}]`);
  return data.map((item, index) => objectAt(item, `${where}, item ${index + 1}`));
}

function parseJsonLines(text: string, where: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (error) {
      throw new LlmError(`${where}, line ${index + 1} is not valid JSON: ${(error as Error).message}`);
    }
    objects.push(objectAt(item, `${where}, line ${index + 1}`));
  }
  return objects;
}

function objectAt(item: unknown, where: string): Record<string, unknown> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new LlmError(`${where} must be a JSON object with an id first, e.g. {"id": 1, "text": "..."}`);
  return item as Record<string, unknown>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One file found by `--files`. */
export interface FileItem {
  /** The path relative to its directory: the item's id. */
  readonly id: string;
  readonly content: EmbedItem;
}

/**
 * Files matching each `[directory, glob]` (directories skipped), as the Python llm's `--files`:
 * bytes with `binary`, else text in the first of `encodings` that decodes it (default utf-8, then
 * latin-1); a file no encoding decodes is reported through `warn` and skipped.
 */
export async function* readFiles(
  specs: readonly [string, string][],
  options: { binary: boolean; encodings: readonly string[]; warn: (message: string) => void },
): AsyncGenerator<FileItem> {
  const { glob } = await import('tinyglobby');
  const encodings = options.encodings.length > 0 ? options.encodings : ['utf-8', 'latin1'];
  for (const [directory, pattern] of specs) {
    if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new UsageError(`Invalid directory: ${directory} (--files takes a directory and a glob, e.g. --files docs '**/*.md')`);
    const paths = (await glob(pattern, { cwd: directory, onlyFiles: true, dot: false, absolute: false, expandDirectories: false })).sort();
    for (const path of paths) {
      const bytes = await readFile(join(directory, path));
      const id = relative('.', path);
      if (options.binary) {
        yield { id, content: new Uint8Array(bytes) };
        continue;
      }
      const text = decode(bytes, encodings);
      if (text === undefined) options.warn(`Could not decode text in file ${join(directory, path)}`);
      else yield { id, content: text };
    }
  }
}

function decode(bytes: Uint8Array, encodings: readonly string[]): string | undefined {
  for (const name of encodings) {
    // Python's names for Latin-1, as the Python llm's default list has it.
    const encoding = /^(latin-1|latin_1|iso-8859-1)$/i.test(name) ? 'latin1' : name;
    let decoder: InstanceType<typeof TextDecoder>;
    try {
      decoder = new TextDecoder(encoding, { fatal: true });
    } catch {
      throw new UsageError(`--encoding ${encoding} is not an encoding Node.js knows (try utf-8, latin1, utf-16le)`);
    }
    try {
      return decoder.decode(bytes);
    } catch {
      // Not this encoding: try the next.
    }
  }
  return undefined;
}

