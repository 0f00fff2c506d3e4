/**
 * Any value as plain JSON data, for traces: what `JSON.stringify` would keep (honouring `toJSON`),
 * except that it never throws. A repeated object on the current path becomes `"[Circular]"`, a
 * bigint its decimal string, a function `"[Function name]"`, an Error `{ name, message }`, a Map
 * or Set a list.
 */
export function toJsonValue(value: unknown): unknown {
  return convert(value, new Set());
}

function convert(value: unknown, path: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value !== 'object') return undefined; // undefined, symbol
  if (path.has(value)) return '[Circular]';
  path.add(value);
  try {
    const withJson = value as { toJSON?: (key: string) => unknown };
    if (typeof withJson.toJSON === 'function') return convert(withJson.toJSON(''), path);
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (value instanceof Map) return [...value].map((entry) => convert(entry, path));
    if (value instanceof Set || Array.isArray(value)) return [...value].map((item) => convert(item, path) ?? null);
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} of ${value.byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const converted = convert(item, path);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  } catch (error) {
    return `[unserialisable: ${error instanceof Error ? error.message : String(error)}]`;
  } finally {
    path.delete(value);
  }
}
