/**
 * `$name` variables in template text, with the rules of Python's `string.Template` (which the
 * Python llm uses): `$name` or `${name}`, where a name is an ASCII letter or underscore followed by
 * letters, digits or underscores; `$$` is a literal `$`; any other `$` is an invalid placeholder.
 */

/** One `$...` in a text. */
type Placeholder =
  | { readonly kind: 'escaped'; readonly index: number; readonly length: number }
  | { readonly kind: 'variable'; readonly name: string; readonly index: number; readonly length: number }
  | { readonly kind: 'invalid'; readonly index: number; readonly length: number };

const NAME = '[_a-zA-Z][_a-zA-Z0-9]*';
const PLACEHOLDER = new RegExp(`\\$(?:(\\$)|(${NAME})|\\{(${NAME})\\}|)`, 'g');

function* placeholders(text: string): Generator<Placeholder> {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [all, escaped, named, braced] = match;
    const index = match.index;
    if (escaped) yield { kind: 'escaped', index, length: all.length };
    else if (named ?? braced) yield { kind: 'variable', name: (named ?? braced)!, index, length: all.length };
    else yield { kind: 'invalid', index, length: all.length };
  }
}

/** A `$` that starts no variable, where it is: 1-based line and column. */
export interface InvalidPlaceholder {
  readonly line: number;
  readonly column: number;
}

/** The first `$` that is neither `$$`, `$name` nor `${name}`, if any. */
export function findInvalidPlaceholder(text: string): InvalidPlaceholder | undefined {
  for (const placeholder of placeholders(text)) {
    if (placeholder.kind !== 'invalid') continue;
    const before = text.slice(0, placeholder.index);
    const line = before.split('\n').length;
    return { line, column: placeholder.index - (before.lastIndexOf('\n') + 1) + 1 };
  }
  return undefined;
}

/** The variable names a text uses, each once, in order of first use. */
export function variablesOf(text: string | undefined): string[] {
  const names = new Set<string>();
  for (const placeholder of placeholders(text ?? '')) if (placeholder.kind === 'variable') names.add(placeholder.name);
  return [...names];
}

/** Variables a text uses that `values` does not have. */
export function missingVariables(text: string | undefined, values: Readonly<Record<string, string>>): string[] {
  return variablesOf(text).filter((name) => !Object.hasOwn(values, name));
}

/**
 * Replaces every `$name` and `${name}` with its value and `$$` with `$`. The caller checks for
 * missing variables and invalid placeholders first (see `missingVariables`,
 * `findInvalidPlaceholder`); here both throw, as a bug.
 */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  let result = '';
  let at = 0;
  for (const placeholder of placeholders(text)) {
    result += text.slice(at, placeholder.index);
    at = placeholder.index + placeholder.length;
    if (placeholder.kind === 'escaped') {
      result += '$';
    } else if (placeholder.kind === 'variable') {
      if (!Object.hasOwn(values, placeholder.name)) throw new Error(`no value for $${placeholder.name}`);
      result += values[placeholder.name];
    } else {
      throw new Error(`invalid placeholder at offset ${placeholder.index}`);
    }
  }
  return result + text.slice(at);
}
