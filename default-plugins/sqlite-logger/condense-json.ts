/**
 * The condensed JSON of the Python llm's log (its `condense-json` package): `response_json` and
 * `prompt_json` keep what the other columns do not already say. A string that contains a known
 * text (the reply, keyed `r:<response id>`) becomes `{"$": key}` when it is that text, else
 * `{"$r": ["before", {"$": key}, "after"]}`. A dict of one key that is `$`, `$r` or `$raw` is
 * wrapped in `{"$raw": ...}` so it is never mistaken for a marker. Reading reverses it exactly.
 */

/** Replacement id -> the text it stands for. */
export type Replacements = Readonly<Record<string, string>>;

const MARKER_KEYS = new Set(['$', '$r', '$raw']);

/**
 * Below this length a `{"$": key}` marker costs about what the text does (the Python llm 0.32's
 * _CONDENSE_MIN_LENGTH): shorter texts are left in place.
 */
export const CONDENSE_MIN_LENGTH = 64;

/** The replacements of one `responses` row: its reply text, under the Python llm 0.31's key. */
export function responseReplacements(id: string, text: string | null | undefined): Replacements {
  return text ? { [`r:${id}`]: text } : {};
}

/** `value` with every occurrence of a replacement text swapped for its marker (longest match first). */
export function condenseJson(value: unknown, replacements: Replacements): unknown {
  const entries = Object.entries(replacements).filter(([, text]) => text.length >= CONDENSE_MIN_LENGTH);
  if (entries.length === 0) return escapeOnly(value);
  const condenseString = stringCondenser(new Map(entries.map(([id, text]) => [text, id])));
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return condenseString(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return escaped(item as Record<string, unknown>, walk);
    return item;
  };
  return walk(value);
}

/**
 * Condenses one string against `ids` (text -> replacement id): each occurrence, leftmost first and
 * longest first where several start at the same place, becomes `{"$": id}`; the whole string if it
 * is one occurrence, else `{"$r": [...segments]}`; the string itself if it holds none.
 */
export function stringCondenser(ids: ReadonlyMap<string, string>): (text: string) => unknown {
  const texts = [...ids.keys()].filter(Boolean).sort((a, b) => b.length - a.length);
  return (text) => {
    const segments: unknown[] = [];
    let last = 0;
    let index = 0;
    while (index < text.length) {
      const found = texts.find((candidate) => text.startsWith(candidate, index));
      if (!found) {
        // Skip ahead to where the next candidate could start.
        index = Math.min(...texts.map((candidate) => nextIndex(text, candidate, index + 1)));
        continue;
      }
      if (index > last) segments.push(text.slice(last, index));
      segments.push({ $: ids.get(found) });
      index += found.length;
      last = index;
    }
    if (segments.length === 0) return text;
    if (last < text.length) segments.push(text.slice(last));
    return segments.length === 1 && typeof segments[0] !== 'string' ? segments[0] : { $r: segments };
  };
}

function nextIndex(text: string, candidate: string, from: number): number {
  const at = text.indexOf(candidate, from);
  return at === -1 ? text.length : at;
}

function escapeOnly(value: unknown): unknown {
  const walk = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return escaped(item as Record<string, unknown>, walk);
    return item;
  };
  return walk(value);
}

function escaped(object: Record<string, unknown>, walk: (item: unknown) => unknown): unknown {
  const keys = Object.keys(object);
  const processed = Object.fromEntries(keys.map((key) => [key, walk(object[key])]));
  return keys.length === 1 && MARKER_KEYS.has(keys[0]!) ? { $raw: processed } : processed;
}

/**
 * Reverses `condenseJson`. A marker whose id is not in `replacements` (a Python llm row that
 * condensed a fragment, say) is left as it is rather than failing the whole listing.
 */
export function uncondenseJson(value: unknown, replacements: Replacements): unknown {
  const lookup = (marker: Record<string, unknown>): unknown => {
    const id = marker.$;
    return typeof id === 'string' && Object.hasOwn(replacements, id) && replacements[id] ? replacements[id] : undefined;
  };
  const walk = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(walk);
    if (item === null || typeof item !== 'object') return item;
    const object = item as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && keys[0] === '$raw') {
      const raw = object.$raw;
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
        return Object.fromEntries(Object.entries(raw).map(([key, child]) => [key, walk(child)]));
      }
      return walk(raw);
    }
    if (keys.length === 1 && keys[0] === '$') return lookup(object) ?? object;
    if (keys.length === 1 && keys[0] === '$r' && Array.isArray(object.$r)) {
      let text = '';
      for (const segment of object.$r) {
        if (typeof segment === 'string') text += segment;
        else if (segment !== null && typeof segment === 'object' && Object.keys(segment).length === 1 && '$' in segment) {
          const resolved = lookup(segment as Record<string, unknown>);
          if (typeof resolved !== 'string') return object;
          text += resolved;
        } else return object;
      }
      return text;
    }
    return Object.fromEntries(keys.map((key) => [key, walk(object[key])]));
  };
  return walk(value);
}
