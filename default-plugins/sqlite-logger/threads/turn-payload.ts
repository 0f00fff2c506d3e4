import { CONDENSE_MIN_LENGTH, stringCondenser } from '../condense-json.js';
import { canonicalJson, pythonJsonDumps } from './python-json.js';

/**
 * A turn's `response_json` as the Python llm 0.32 keeps it (llm/logs.py, "condensed provider
 * payloads"): the model's raw payload with every text the turn's own messages, its tools'
 * descriptions or its schema already hold swapped for a `{"$": key}` marker. The keys name where
 * the text lives (message offset, part position, field), so the same replacements are rebuilt from
 * the stored rows when the payload is read back; the replacements themselves are never stored.
 */

/** A message as the Python llm's `Message.to_dict()` gives it (parts as `Part.to_dict()`). */
export interface MessageDict {
  readonly parts?: readonly Readonly<Record<string, unknown>>[];
  readonly provider_metadata?: unknown;
}

/** What a turn's payload is condensed against. */
export interface PayloadContext {
  /** The turn's own messages: the chain from its parent (exclusive) to its tip. */
  readonly messages: readonly MessageDict[];
  /** The tools the turn was given, as (name, description). */
  readonly tools?: readonly (readonly [string, string | null | undefined])[];
  /** The turn's JSON schema, if it used one. */
  readonly schema?: unknown;
}

/** Replacement key -> the value it stands for: a string (matched inside strings) or a dict/list (matched whole). */
export type PayloadReplacements = Map<string, unknown>;

/** The replacements 0.32 derives for a turn (its `_payload_replacements`), in the same order and under the same keys. */
export function payloadReplacements({ messages, tools = [], schema }: PayloadContext): PayloadReplacements {
  const found: PayloadReplacements = new Map();
  const add = (key: string, value: unknown) => {
    if (typeof value === 'string' && value.length >= CONDENSE_MIN_LENGTH) found.set(key, value);
  };
  const addValue = (key: string, value: unknown) => {
    if (isContainer(value) && !isEmpty(value) && pythonJsonDumps(value, { compact: true }).length >= CONDENSE_MIN_LENGTH) found.set(key, value);
  };
  const walk = (prefix: string, value: unknown) => {
    if (Array.isArray(value)) {
      addValue(prefix, value);
      value.forEach((item, index) => walk(`${prefix}.${index}`, item));
    } else if (isContainer(value)) {
      addValue(prefix, value);
      for (const [key, item] of Object.entries(value)) walk(`${prefix}.${key}`, item);
    } else add(prefix, value);
  };
  messages.forEach((message, mi) => {
    (message.parts ?? []).forEach((part, pi) => {
      const base = `${mi}.${pi}`;
      add(`${base}.text`, part.text);
      add(`${base}.output`, part.output);
      const args = part.arguments;
      if (isContainer(args) ? !isEmpty(args) : Boolean(args)) {
        // Tool arguments as a JSON string, compact (OpenAI's form) and spaced, and as the value itself.
        const compact = pythonJsonDumps(args, { compact: true });
        const spaced = pythonJsonDumps(args);
        add(`${base}.args`, compact);
        if (spaced !== compact) add(`${base}.args2`, spaced);
        addValue(`${base}.argsv`, args);
      }
      walk(`${base}.pm`, part.provider_metadata ?? {});
    });
    walk(`${mi}.pm`, message.provider_metadata ?? {});
  });
  // Descriptions by tool name; a name given two different descriptions is left out.
  const descriptions = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const [name, description] of tools) {
    if (!name || typeof description !== 'string' || description.length < CONDENSE_MIN_LENGTH) continue;
    if ((descriptions.get(name) ?? description) !== description) {
      conflicting.add(name);
      continue;
    }
    descriptions.set(name, description);
  }
  for (const [name, description] of descriptions) if (!conflicting.has(name)) found.set(`tool.${name}.description`, description);
  addValue('schema', schema);
  return found;
}

/**
 * The `response_json` column for a turn: `json.dumps` of the condensed payload, or null when
 * there is no payload. Also null when the payload holds a dict shaped like a marker (one key `$`,
 * `$r` or `$raw`): 0.32 escapes those in a way its condense-json 1.1 defines and that cannot be
 * checked here, so nothing is written rather than a guess.
 */
export function condenseTurnPayload(payload: unknown, context: PayloadContext): string | null {
  if (payload === undefined || payload === null || hasMarkerShape(payload)) return null;
  return pythonJsonDumps(condenseValue(payload, payloadReplacements(context)));
}

/**
 * A turn's stored `response_json` resolved against its context, as 0.32's `resolve_payload` does;
 * null if there is none or if a marker names a key the turn no longer produces (0.32 then leaves
 * the payload out of its rows rather than guess).
 */
export function resolveTurnPayload(stored: string | null, context: PayloadContext): unknown {
  if (!stored) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return null;
  }
  const replacements = payloadReplacements(context);
  try {
    return expand(parsed, replacements);
  } catch (error) {
    if (error instanceof UnresolvedMarker) return null;
    throw error;
  }
}

/** `value` with dicts and lists equal to a container replacement, and replacement strings inside strings, swapped for markers (outermost first). */
export function condenseValue(value: unknown, replacements: PayloadReplacements): unknown {
  const containers = new Map<string, string>();
  const strings = new Map<string, string>();
  for (const [key, replacement] of replacements) {
    if (typeof replacement === 'string') {
      if (replacement && !strings.has(replacement)) strings.set(replacement, key);
    } else if (isContainer(replacement)) {
      const canonical = canonicalJson(replacement);
      if (!containers.has(canonical)) containers.set(canonical, key);
    }
  }
  const condenseString = stringCondenser(strings);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return strings.size > 0 ? condenseString(item) : item;
    if (!isContainer(item)) return item;
    if (containers.size > 0) {
      const key = containers.get(canonicalJson(item));
      if (key !== undefined) return { $: key };
    }
    if (Array.isArray(item)) return item.map(walk);
    return Object.fromEntries(Object.entries(item).map(([name, child]) => [name, walk(child)]));
  };
  return walk(value);
}

class UnresolvedMarker extends Error {}

function expand(value: unknown, replacements: PayloadReplacements): unknown {
  if (Array.isArray(value)) return value.map((item) => expand(item, replacements));
  if (!isContainer(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$') return lookup(value.$, replacements);
  if (keys.length === 1 && keys[0] === '$r' && Array.isArray(value.$r)) {
    return value.$r.map((segment) => (typeof segment === 'string' ? segment : String(expand(segment, replacements)))).join('');
  }
  return Object.fromEntries(keys.map((key) => [key, expand(value[key], replacements)]));
}

function lookup(key: unknown, replacements: PayloadReplacements): unknown {
  if (typeof key !== 'string' || !replacements.has(key)) throw new UnresolvedMarker(`unknown replacement ${String(key)}`);
  return replacements.get(key);
}

const MARKER_KEYS = new Set(['$', '$r', '$raw']);

function hasMarkerShape(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasMarkerShape);
  if (!isContainer(value)) return false;
  const keys = Object.keys(value);
  if (keys.length === 1 && MARKER_KEYS.has(keys[0]!)) return true;
  return Object.values(value).some(hasMarkerShape);
}

function isContainer(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function isEmpty(value: Record<string, unknown> | unknown[]): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}
