/**
 * JSON text exactly as the Python llm's `json.dumps` writes it, so that what we hash or store
 * compares equal with what the Python llm 0.32 hashes or stores for the same value.
 */

/**
 * A number the Python side holds as a float although it is integral (`1.0`): JavaScript has one
 * number type, so an integral value is written as an int (`1`) unless wrapped in this.
 */
export class PythonFloat {
  constructor(readonly value: number) {}
}

interface Style {
  /** `sort_keys=True` (by code point, as Python sorts str). */
  readonly sortKeys: boolean;
  /** `separators`: `(',', ':')` compact, else Python's default `(', ', ': ')`. */
  readonly compact: boolean;
  /** `ensure_ascii`: escape every character outside printable ASCII as `\uXXXX`. */
  readonly ensureAscii: boolean;
}

/**
 * The Python llm 0.32's `canonical_json`: `json.dumps(obj, sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False)`, the text its message hashes are taken over.
 */
export function canonicalJson(value: unknown): string {
  return dumps(value, { sortKeys: true, compact: true, ensureAscii: false });
}

/**
 * Python's plain `json.dumps(obj)`: keys in insertion order, `", "` and `": "`, non-ASCII escaped;
 * with `compact`, `separators=(",", ":")`.
 */
export function pythonJsonDumps(value: unknown, { compact = false }: { compact?: boolean } = {}): string {
  return dumps(value, { sortKeys: false, compact, ensureAscii: true });
}

function dumps(value: unknown, style: Style): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (value instanceof PythonFloat) return floatRepr(value.value);
  if (typeof value === 'number') return Number.isInteger(value) ? integerRepr(value) : floatRepr(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return quote(value, style.ensureAscii);
  const [comma, colon] = style.compact ? [',', ':'] : [', ', ': '];
  if (Array.isArray(value)) return `[${value.map((item) => dumps(item, style)).join(comma)}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    if (style.sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b));
    return `{${entries.map(([key, item]) => `${quote(key, style.ensureAscii)}${colon}${dumps(item, style)}`).join(comma)}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

function integerRepr(value: number): string {
  // Integers past 2**53 never reach here from the log (their JSON would have lost precision).
  return Math.abs(value) < 1e21 ? value.toFixed(0) : BigInt(value).toString();
}

/**
 * Python's float repr: the shortest digits that read back as the same double (as JavaScript's),
 * but in exponent form only below 1e-4 or from 1e16, always with a `.0` or an exponent, and an
 * exponent of at least two digits (`1e-05`, `1.5e+16`).
 */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function quote(text: string, ensureAscii: boolean): string {
  // Python escapes control characters always, and with ensure_ascii everything outside ' '..'~'
  // (DEL included), as UTF-16 code units.
  const pattern = ensureAscii ? /["\\]|[^ -~]/g : /["\\\u0000-\u001f]/g;
  return `"${text.replace(pattern, (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Orders strings by Unicode code point (Python's str order), not by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
