/**
 * A key without the whitespace around it: a key file saved with a final newline, `$(cat key.txt)`
 * or a pasted key must not end up in an Authorization header (where a newline is refused).
 * Whitespace alone is no key at all.
 */
export function cleanKey(value: string | undefined): string | undefined {
  const key = value?.trim();
  return key ? key : undefined;
}
