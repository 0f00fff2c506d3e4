import { TemplateError } from '../errors.js';
import type { JsonSchema } from '../json-schema.js';
import { findInvalidPlaceholder, variablesOf } from './substitute.js';
import { loadYaml } from './yaml.js';

/**
 * The keys of a template file, as the Python llm writes them. The names are the file format's, so
 * a template reads and writes without renaming anything.
 */
export interface TemplateFields {
  /** The prompt; `$input` is where the user's input goes, `$name` a variable. */
  readonly prompt?: string | undefined;
  /** The system prompt; may use variables too. */
  readonly system?: string | undefined;
  /** Model id or alias to use unless `-m` says otherwise. */
  readonly model?: string | undefined;
  /** Values for variables that `-p` does not set. */
  readonly defaults?: Readonly<Record<string, TemplateValue>> | undefined;
  /** Model options, below `-o` and above the model's own defaults. */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /** A JSON Schema the reply must match. */
  readonly schema_object?: JsonSchema | undefined;
  /** Print only the first fenced code block of the reply (all of it if there is none). */
  readonly extract?: boolean | undefined;
  /** Print only the last fenced code block of the reply. */
  readonly extract_last?: boolean | undefined;
  /** Tools the model may call (as `-T`): names, or toolboxes with their configuration. */
  readonly tools?: readonly string[] | undefined;
  /** Code whose exported functions become tools (as `--functions`). */
  readonly functions?: string | undefined;
  /** Fragments (paths, URLs, hashes, aliases, `prefix:...`) placed before the prompt, before any `-f`. */
  readonly fragments?: readonly string[] | undefined;
  /** Fragments placed before the system prompt, before any `--sf`. */
  readonly system_fragments?: readonly string[] | undefined;
  /** Attachments (paths or URLs), types detected, before any `-a`. */
  readonly attachments?: readonly string[] | undefined;
  /** Attachments with their types given, before any `--at`. */
  readonly attachment_types?: readonly { readonly type: string; readonly value: string }[] | undefined;
}

/** A default value: YAML scalars, turned into text when substituted. */
export type TemplateValue = string | number | boolean;

/** Every key a template may have, in the order they are written. */
export const TEMPLATE_KEYS = [
  'model',
  'prompt',
  'system',
  'defaults',
  'extract',
  'extract_last',
  'schema_object',
  'fragments',
  'system_fragments',
  'attachments',
  'attachment_types',
  'options',
  'tools',
  'functions',
] as const;

/** Keys of the Python llm's templates that this llm does not support yet (none now; kept for the next one). */
const UNSUPPORTED_KEYS = new Set<string>();

/** Where a template came from, for messages: what to call it and how to fix it. */
export interface TemplateOrigin {
  /** What messages call it, at the start of a sentence: `Template 'summarize'`, `Template file ./x.yaml`. */
  readonly label: string;
  /** The file it was read from. */
  readonly path: string;
  /** What to do about a broken file, e.g. `run 'llm templates edit summarize'`. */
  readonly fix: string;
}

/** A template read from a file and checked. */
export interface Template extends TemplateFields {
  /** Where it came from. */
  readonly origin: TemplateOrigin;
}

/** Parses and checks template YAML. Invalid YAML is an error naming the file, line and column. */
export async function parseTemplate(text: string, origin: TemplateOrigin): Promise<Template> {
  const YAML = await loadYaml();
  const lineCounter = new YAML.LineCounter();
  const document = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [error] = document.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // The most common slip in a hand-written template: an unquoted prompt that contains ': '.
    const hint = error.code === 'BLOCK_AS_IMPLICIT_KEY' ? " (put text that contains ': ' in quotes, or use a | block)" : '';
    throw new TemplateError(
      `${origin.label} is not valid YAML: ${error.message}${hint} at line ${line}, column ${col} of ${origin.path}. Fix it and try again (${origin.fix}).`,
    );
  }
  return checkTemplate(document.toJS({ maxAliasCount: 100 }), origin);
}

/**
 * Checks parsed template data: a mapping of the known keys with the right types (a plain string is
 * a template with only a prompt, as in the Python llm). Null values count as absent; `name`, which
 * the Python llm's `templates show` writes, is ignored.
 */
export function checkTemplate(data: unknown, origin: TemplateOrigin): Template {
  const fail = (problem: string) => new TemplateError(`${origin.label} (${origin.path}) ${problem}. Fix it and try again (${origin.fix}).`);
  if (typeof data === 'string') data = { prompt: data };
  if (data === null || data === undefined) throw fail('is empty: give it a prompt: or a system: key');
  if (typeof data !== 'object' || Array.isArray(data)) throw fail(`must be a mapping of keys (${TEMPLATE_KEYS.join(', ')}) or a plain string, not ${describeType(data)}`);

  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'name' || value === null || value === undefined) continue;
    if (UNSUPPORTED_KEYS.has(key)) throw fail(`has the key '${key}', which this llm does not support yet: remove it`);
    if (!(TEMPLATE_KEYS as readonly string[]).includes(key)) throw fail(`has an unknown key '${key}' (valid keys: ${TEMPLATE_KEYS.join(', ')})`);
    fields[key] = checkField(key as keyof TemplateFields, value, fail);
  }
  for (const key of ['prompt', 'system'] as const) {
    const invalid = typeof fields[key] === 'string' ? findInvalidPlaceholder(fields[key]) : undefined;
    if (invalid) {
      throw fail(`has a '$' that starts no variable in its ${key}, at line ${invalid.line}, column ${invalid.column}: write $name or \${name} for a variable, $$ for a dollar sign`);
    }
  }
  return { ...(fields as TemplateFields), origin };
}

function checkField(key: keyof TemplateFields, value: unknown, fail: (problem: string) => TemplateError): unknown {
  switch (key) {
    case 'tools':
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw fail(`has tools that are ${describeType(value)}: it must be a list of tool names`);
      return value;
    case 'prompt':
    case 'system':
    case 'model':
    case 'functions':
      if (typeof value !== 'string') throw fail(`has a ${key} that is ${describeType(value)}: it must be text`);
      return value;
    case 'extract':
    case 'extract_last': {
      const flag = toBoolean(value);
      if (flag === undefined) throw fail(`has ${key}: ${JSON.stringify(value)}: it must be true or false`);
      return flag;
    }
    case 'defaults': {
      const mapping = checkMapping(key, value, fail);
      for (const [name, item] of Object.entries(mapping)) {
        if (!['string', 'number', 'boolean'].includes(typeof item)) throw fail(`has a default for '${name}' that is ${describeType(item)}: it must be text, a number or true/false`);
      }
      return mapping;
    }
    case 'options':
    case 'schema_object':
      return checkMapping(key, value, fail);
    case 'fragments':
    case 'system_fragments':
    case 'attachments':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) throw fail(`has a ${key} that is ${describeType(value)}: it must be a list of paths, URLs or references`);
      return value;
    case 'attachment_types':
      if (!Array.isArray(value) || !value.every((item) => typeof item?.type === 'string' && typeof item?.value === 'string')) {
        throw fail(`has attachment_types that are not a list of mappings with a type and a value (- type: image/png, value: photo.png)`);
      }
      return value.map((item: { type: string; value: string }) => ({ type: item.type, value: item.value }));
  }
}

function checkMapping(key: string, value: unknown, fail: (problem: string) => TemplateError): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`has a ${key} that is ${describeType(value)}: it must be a mapping`);
  return value as Record<string, unknown>;
}

/** true/false, and the YAML 1.1 spellings (yes/no, on/off) that the Python llm's PyYAML reads as booleans. */
function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (/^(?:yes|on|true)$/i.test(value)) return true;
  if (/^(?:no|off|false)$/i.test(value)) return false;
  return undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

/** The variables a template uses, in its prompt then its system prompt, each once. */
export function templateVariables(template: TemplateFields): string[] {
  return [...new Set([...variablesOf(template.prompt), ...variablesOf(template.system)])];
}

/** Only the template's own fields, in file order, without empty ones: what to write to a file. */
export function templateFields(template: TemplateFields): TemplateFields {
  const fields: Record<string, unknown> = {};
  for (const key of TEMPLATE_KEYS) {
    const value = template[key];
    if (value === undefined || value === '' || (typeof value === 'object' && Object.keys(value).length === 0)) continue;
    fields[key] = value;
  }
  return fields as TemplateFields;
}

/**
 * One line about a template, as the Python llm's `llm templates` shows it: `system: ... prompt:
 * ...`, or only the prompt, with newlines as spaces.
 */
export function summarizeTemplate(template: TemplateFields): string {
  const text = template.system ? `system: ${template.system}${template.prompt ? ` prompt: ${template.prompt}` : ''}` : (template.prompt ?? '');
  return text.replace(/\r?\n/g, ' ');
}
