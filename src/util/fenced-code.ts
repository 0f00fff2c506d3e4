/**
 * A Markdown fenced code block: three or more backticks at the start of a line, an optional
 * language tag, the code, then a line starting with the same number of backticks.
 */
const FENCED = /^(?<fence>`{3,})(?<lang>\w+)?\n(?<code>[\s\S]*?)^\k<fence>(?=\n|$)/gm;

/**
 * The code inside the first (or, with `last`, the last) fenced code block of a text, as the Python
 * llm's `-x` / `--xl` extract it; undefined if the text has none.
 */
export function extractFencedCode(text: string, { last = false }: { last?: boolean } = {}): string | undefined {
  const blocks = [...text.matchAll(FENCED)].map((match) => match.groups!.code!);
  return last ? blocks.at(-1) : blocks[0];
}
