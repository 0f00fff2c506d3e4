import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JsonSchema } from '../json-schema.js';
import type { Llm } from '../host/llm.js';
import { unusedParams } from '../templates/apply.js';
import { saveTemplate, type SavedTemplate } from '../templates/save.js';
import { checkTemplateName, TemplateStore } from '../templates/store.js';
import type { TemplateFields } from '../templates/template.js';
import type { PromptArguments } from './prepare-prompt.js';
import { templateModel, templateOptions } from './prepare-prompt.js';
import { readInput } from './read-prompt.js';

/** `llm ... --save NAME`: the prompt's arguments, and where to save them. */
export interface SaveArguments extends PromptArguments {
  /** The template name to save as. */
  readonly name: string;
  /** Replace an existing template of that name. */
  readonly force?: boolean | undefined;
  /** A JSON Schema for the reply (`--schema`); wins over the `-t` template's schema_object. */
  readonly schema?: JsonSchema | undefined;
  /** `-T` names, added to the base template's `tools:`. */
  readonly tools?: readonly string[] | undefined;
  /** `--functions` code or files, joined with the base template's `functions:`. */
  readonly functions?: readonly string[] | undefined;
}

/**
 * Saves the current prompt as a template instead of running it, as the Python llm's `--save`
 * does: the prompt (piped stdin and arguments, with `$input` and `$name` kept as written), `-s`,
 * `-m` (stored as the model's id), `-o` (checked against the model, stored typed), `-p` (stored as
 * defaults), the schema, `-f`/`--sf` references and `-a`/`--at` paths and URLs (stdin cannot be
 * saved: `-` is left out, as in the Python llm). With `-t`, that template is the starting point and the command line's
 * values replace or extend its own.
 */
export async function saveTemplateFromPrompt(llm: Llm, args: SaveArguments): Promise<SavedTemplate> {
  const store = new TemplateStore(llm.userDir);
  checkTemplateName(args.name);
  const base = args.template === undefined ? undefined : await store.load(args.template);
  const input = await readInput(args.words, args.stdin);

  const origin = base?.origin ?? { label: `Template '${args.name}'`, path: store.userPath(args.name), fix: 'check the command line' };
  const rawOptions = { ...base?.options, ...args.options };
  const modelName = args.model ?? base?.model ?? args.defaultModel;
  let modelId: string | undefined;
  let options: Record<string, unknown> | undefined;
  if (modelName !== undefined || Object.keys(rawOptions).length > 0) {
    const model = await templateModel(llm, { model: base?.model, origin }, args.model, args.defaultModel);
    if (modelName !== undefined) modelId = model.id;
    if (Object.keys(rawOptions).length > 0) {
      const checked = await templateOptions(model, { options: base?.options, origin }, args.options);
      options = Object.fromEntries(Object.keys(rawOptions).map((key) => [key, checked[key]]));
    }
  }

  const fields: TemplateFields = {
    model: modelId,
    prompt: input.trim() !== '' ? input : base?.prompt,
    system: args.system ?? base?.system,
    defaults: { ...base?.defaults, ...args.params },
    extract: base?.extract || undefined,
    extract_last: base?.extract_last || undefined,
    schema_object: args.schema ?? base?.schema_object,
    fragments: listOrUndefined([...(base?.fragments ?? []), ...(args.fragments ?? [])]),
    system_fragments: listOrUndefined([...(base?.system_fragments ?? []), ...(args.systemFragments ?? [])]),
    attachments: listOrUndefined([...(base?.attachments ?? []), ...(args.attachments ?? []).filter((a) => a.type === undefined && a.value !== '-').map((a) => absolute(a.value))]),
    attachment_types: listOrUndefined([
      ...(base?.attachment_types ?? []),
      ...(args.attachments ?? []).filter((a) => a.type !== undefined && a.value !== '-').map((a) => ({ type: a.type!, value: absolute(a.value) })),
    ]),
    options,
    tools: [...(base?.tools ?? []), ...(args.tools ?? [])].length > 0 ? [...(base?.tools ?? []), ...(args.tools ?? [])] : undefined,
    functions: functionsCode(base?.functions, args.functions),
  };
  const saved = { label: `Template '${args.name}'`, path: store.userPath(args.name), fix: 'check the command line' };
  for (const warning of unusedParams({ ...fields, origin: saved }, args.params)) llm.warn(warning);
  return saveTemplate(store, args.name, fields, { force: args.force });
}

/** The `functions:` to save: the base template's, then each `--functions` (a file's content, as the Python llm saves it). */
function functionsCode(base: string | undefined, given: readonly string[] | undefined): string | undefined {
  const parts = [...(base ? [base] : []), ...(given ?? []).map((item) => (/\.(?:ts|mts|js|mjs)$/.test(item) && existsSync(item) ? readFileSync(item, 'utf8') : item))];
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

function listOrUndefined<T>(items: readonly T[]): readonly T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** A path as the Python llm saves it (absolute, so the template works from any folder); a URL as it is. */
function absolute(value: string): string {
  return value.includes('://') ? value : resolve(value);
}
