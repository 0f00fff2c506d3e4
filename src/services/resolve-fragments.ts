import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LlmError, UsageError, messageOf } from '../errors.js';
import type { FragmentLoaderResult } from '../hooks.js';
import type { Llm } from '../host/llm.js';
import { Attachment } from '../models/attachment.js';
import { detectType, isText } from '../models/detect-type.js';
import { fetchBytes } from '../models/fetch-url.js';
import { Fragment } from '../models/fragment.js';
import { readAllBytes } from './read-prompt.js';

/** A `-f prefix:argument` reference: a prefix of letters, digits, `_` and `-`, then a colon. */
const PREFIXED = /^([a-zA-Z0-9_-]+):(.*)$/s;

/** Where fragments come from besides their references. */
export interface FragmentContext {
  /** Read for `-`; null once something else has read it. */
  readonly stdin?: NodeJS.ReadableStream | null | undefined;
  /** The log to look hashes and aliases up in (`-d`). */
  readonly database?: string | undefined;
  /** Whether loaders may return attachments (prompt fragments yes, system fragments no). */
  readonly allowAttachments?: boolean | undefined;
}

/**
 * Resolves fragment references as the Python llm does, in this order: an http(s) URL (fetched),
 * `-` (stdin), `prefix:argument` (a plugin's fragment loader), a stored hash or alias (the
 * `resolveFragment` hook: the log), a file path. Text only: a binary file is an error that
 * suggests `-a`. A loader may also return attachments, when `allowAttachments`.
 */
export async function resolveFragments(llm: Llm, references: readonly string[], context: FragmentContext = {}): Promise<(Fragment | Attachment)[]> {
  const resolved: (Fragment | Attachment)[] = [];
  for (const reference of references) resolved.push(...(await resolveFragment(llm, reference, context)));
  return resolved;
}

/** Fragments and attachments apart, each in order (a loader's attachments go with the prompt's). */
export function splitFragments(items: readonly (Fragment | Attachment)[]): { fragments: Fragment[]; attachments: Attachment[] } {
  return {
    fragments: items.filter((item): item is Fragment => item instanceof Fragment),
    attachments: items.filter((item): item is Attachment => item instanceof Attachment),
  };
}

async function resolveFragment(llm: Llm, reference: string, context: FragmentContext): Promise<(Fragment | Attachment)[]> {
  if (/^https?:\/\//i.test(reference)) return [new Fragment(await textOf(await fetchBytes(reference), reference, reference), reference)];
  if (reference === '-') {
    if (!context.stdin) throw new UsageError('-f - reads a fragment from stdin, but stdin is already used (by -a - or another -f -).');
    return [new Fragment(await textOf(await readAllBytes(context.stdin), 'from stdin', '-'), '-')];
  }
  const prefixed = PREFIXED.exec(reference);
  if (prefixed) return loadPrefixed(llm, reference, prefixed[1]!, prefixed[2]!, context);
  const stored = await llm.hooks.resolveFragment.promise({ reference, database: context.database });
  if (stored) return [stored];
  const path = resolve(reference);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new LlmError(`Fragment '${reference}' not found: it is not a file, a URL, or a stored hash or alias ('llm fragments' lists those).`);
  }
  if (info.isDirectory()) throw new LlmError(`Fragment '${reference}' is a folder: use -f dir:${reference} for every text file in it.`);
  return [new Fragment(await textOf(await readFile(path), reference, reference), path)];
}

async function loadPrefixed(llm: Llm, reference: string, prefix: string, argument: string, context: FragmentContext): Promise<(Fragment | Attachment)[]> {
  const entry = llm.fragmentLoaders().get(prefix);
  if (!entry) {
    const known = [...llm.fragmentLoaders().keys()].sort();
    const list = known.length > 0 ? `known prefixes: ${known.map((k) => `${k}:`).join(', ')}` : 'no plugin registers fragment loaders';
    throw new LlmError(`Unknown fragment prefix '${prefix}:' in '${reference}' (${list}; 'llm fragments loaders' describes them).`);
  }
  let result: FragmentLoaderResult;
  try {
    result = await entry.loader(argument);
  } catch (error) {
    throw new LlmError(`Could not load fragment '${reference}' (plugin ${entry.plugin}): ${messageOf(error)}`, { cause: error });
  }
  const items = (Array.isArray(result) ? result : [result]) as (string | Fragment | Attachment)[];
  return items.map((item) => {
    if (typeof item === 'string') return new Fragment(item, reference);
    if (item instanceof Fragment) return item;
    if (item instanceof Attachment) {
      if (!context.allowAttachments) throw new LlmError(`Fragment loader '${prefix}:' returned an attachment for '${reference}', which a system fragment cannot take: use -f instead of --sf.`);
      return item;
    }
    throw new LlmError(`Fragment loader '${prefix}:' (plugin ${entry.plugin}) returned ${typeof item} for '${reference}': loaders return strings, Fragments or Attachments.`);
  });
}

/** The text of a fragment's bytes; binary content is an error that names its type and suggests `-a`. */
async function textOf(bytes: Uint8Array, label: string, attachAs: string): Promise<string> {
  if (isText(bytes)) return new TextDecoder().decode(bytes);
  const type = await detectType(bytes);
  throw new UsageError(
    `Fragment ${label} is ${type ?? 'binary'}, not text: -f and --sf take text. Attach a binary file with -a ${attachAs} instead.`,
  );
}
