/** A JSON column's value: parsed, or the text itself when it is not JSON; undefined for NULL. */
export function parseColumn(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
