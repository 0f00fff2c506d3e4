/**
 * The terms of a `-q` search: "quoted phrases" and single words. Whatever the user types is data,
 * never query syntax, so `-`, `?`, `*`, `:`, quotes and words like NOT cannot break a search.
 */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    const term = (match[1] ?? match[2] ?? '').trim();
    if (term !== '') terms.push(term);
  }
  return terms;
}

/**
 * An FTS5 query that matches rows containing every term: each one an FTS5 string (double quotes,
 * inner quotes doubled), which FTS5 tokenizes like the text but never parses as operators.
 */
export function ftsQuery(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' ');
}

/** A LIKE pattern matching `term` anywhere (the search of Python llm 0.32 turns without FTS5), with `%`, `_` and the escape character escaped. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
