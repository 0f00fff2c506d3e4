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
