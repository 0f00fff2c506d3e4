import { UsageError } from '../errors.js';

/** Joins a flag's key and value in one token; NUL cannot occur in a real argument. */
const SEPARATOR = '\u0000';

/** A key and value to show in the error for each flag (default: a model option). */
const EXAMPLES: Readonly<Record<string, string>> = {
  '-p': 'voice GlaDOS',
  '--param': 'voice GlaDOS',
  '--files': "docs '**/*.md'",
  '--attach': 'blog blog.db',
  '--at': 'photo.bin image/jpeg',
  '--attachment-type': 'photo.bin image/jpeg',
};
/** What the two values of each flag are, for the error (default: a key and a value). */
const PAIR_NAMES: Readonly<Record<string, string>> = { '--at': 'a path, URL or - and a MIME type', '--attachment-type': 'a path, URL or - and a MIME type' };

/**
 * oclif flags take one value, but `-o KEY VALUE` (the Python llm's form) takes two: this joins
 * the two tokens after each of `flags` into one, for `parseKeyValues` to split again.
 */
export function pairKeyValueArgs(argv: readonly string[], flags: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      result.push(...argv.slice(i));
      break;
    }
    if (!flags.includes(token)) {
      result.push(token);
      continue;
    }
    const key = argv[i + 1];
    const value = argv[i + 2];
    if (key === undefined || value === undefined) {
      throw new UsageError(`${token} takes ${PAIR_NAMES[token] ?? 'a key and a value'}, e.g. ${token} ${EXAMPLES[token] ?? 'temperature 0.5'}`);
    }
    result.push(token, `${key}${SEPARATOR}${value}`);
    i += 2;
  }
  return result;
}

/** Splits paired flag values into `[first, second]` pairs, in order, repeats kept (`--files DIR GLOB`, `--at PATH TYPE`). */
export function parsePairs(values: readonly string[] | undefined): [string, string][] {
  return (values ?? []).map((value) => {
    const at = value.indexOf(SEPARATOR);
    if (at === -1) throw new UsageError(`expected two values, got '${value}'`);
    return [value.slice(0, at), value.slice(at + 1)];
  });
}

/** Splits paired `KEY VALUE` flag values into an object (a repeated key: the last wins). */
export function parseKeyValues(values: readonly string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf(SEPARATOR);
    if (at === -1) throw new UsageError(`expected a key and a value, got '${value}'`);
    result[value.slice(0, at)] = value.slice(at + 1);
  }
  return result;
}
