import { LlmError, OptionsError, TemplateError, UnknownModelError, UsageError, messageOf } from '../errors.js';
import { compileSchema, type JsonSchema } from '../json-schema.js';
import type { Llm } from '../host/llm.js';
import type { Model } from '../models/model.js';
import { checkAttachmentTypes } from '../models/response.js';
import { applyTemplate, checkVariables, templateValues, unusedParams } from '../templates/apply.js';
import { TemplateStore } from '../templates/store.js';
import { substitute } from '../templates/substitute.js';
import type { Template } from '../templates/template.js';
import { Attachment } from '../models/attachment.js';
import { Fragment } from '../models/fragment.js';
import { readInput, readPrompt } from './read-prompt.js';
import { resolveAttachments, type AttachmentArgument } from './resolve-attachments.js';
import { resolveFragments, splitFragments } from './resolve-fragments.js';

/** What the command line says about a prompt, before any template is applied. */
export interface PromptArguments {
  /** Prompt words (joined with spaces, after piped stdin). */
  readonly words: readonly string[];
  /** `-m` as typed (or a continued conversation's model): wins over the template's model. */
  readonly model?: string | undefined;
  /** The model when neither `model` nor the template names one (`LLM_MODEL`; else the default model). */
  readonly defaultModel?: string | undefined;
  /** `-s`: wins over the template's system prompt. */
  readonly system?: string | undefined;
  /** `-o KEY VALUE` pairs, as strings: win over the template's options. */
  readonly options: Readonly<Record<string, string>>;
  /** `-t`: a template name, or a path to a template file. */
  readonly template?: string | undefined;
  /** `-p KEY VALUE` pairs: the template's variables. */
  readonly params: Readonly<Record<string, string>>;
  /** Where piped input comes from (default: process.stdin). */
  readonly stdin?: NodeJS.ReadStream | undefined;
  /** `--schema`, resolved: wins over the template's schema_object. */
  readonly schema?: JsonSchema | undefined;
  /** `-a` and `--at` values, in order (after the template's). */
  readonly attachments?: readonly AttachmentArgument[] | undefined;
  /** `-f` references, in order (after the template's `fragments:`). */
  readonly fragments?: readonly string[] | undefined;
  /** `--sf` references, in order (after the template's `system_fragments:`). */
  readonly systemFragments?: readonly string[] | undefined;
  /** `-d`: the log where stored fragments (hashes, aliases) are looked up. */
  readonly database?: string | undefined;
}

/** A prompt ready to send: the model and everything `model.prompt()` needs. */
export interface PreparedPrompt {
  readonly model: Model;
  readonly prompt: string;
  readonly system: string | undefined;
  /** Checked options: `-o`, then the template's, then the model's defaults. */
  readonly options: Record<string, unknown>;
  readonly schema: JsonSchema | undefined;
  /** Print only a fenced code block of the reply: the first, or the last. */
  readonly extract: 'first' | 'last' | undefined;
  /** The template's `tools:` and `functions:`, which the user named by choosing the template. */
  readonly templateTools?: { readonly tools: readonly string[]; readonly functions: readonly string[] } | undefined;
  /** `-a`/`--at` attachments, and those fragment loaders returned. */
  readonly attachments: readonly Attachment[];
  /** `-f` fragments, placed before the prompt. */
  readonly fragments: readonly Fragment[];
  /** `--sf` fragments, placed before the system prompt. */
  readonly systemFragments: readonly Fragment[];
}

/**
 * Turns `llm prompt` arguments into a prompt: without `-t`, the model, options and text as given;
 * with `-t`, the template filled in (see `applyTemplate`), its model, options, schema and extract
 * setting applied below the command line's own flags.
 */
export async function preparePrompt(llm: Llm, args: PromptArguments): Promise<PreparedPrompt> {
  if (args.template === undefined) {
    rejectParamsWithoutTemplate(args.params);
    const model = await llm.getModel(args.model ?? args.defaultModel);
    const options = await model.validateOptions(args.options, { fromCli: true });
    const schema = args.schema && requireSchemaSupport(model, args.schema);
    const extras = await resolveExtras(llm, args, undefined);
    const words = extras.hasContent ? await readInput(args.words, extras.stdin) : await readPrompt(args.words, extras.stdin);
    return { model, prompt: words, system: args.system, options, schema, extract: undefined, ...extras.resolved };
  }
  const template = await new TemplateStore(llm.userDir).load(args.template);
  for (const warning of unusedParams(template, args.params)) llm.warn(warning);
  const model = await templateModel(llm, template, args.model, args.defaultModel);
  const options = await templateOptions(model, template, args.options);
  const schema = args.schema ? requireSchemaSupport(model, args.schema) : await templateSchema(model, template);
  const extras = await resolveExtras(llm, args, template);
  const applied = applyTemplate(template, { input: await readInput(args.words, extras.stdin), params: args.params });
  return {
    model,
    prompt: applied.prompt,
    system: args.system ?? applied.system,
    options,
    schema,
    extract: template.extract_last ? 'last' : template.extract ? 'first' : undefined,
    templateTools: { tools: template.tools ?? [], functions: template.functions ? [template.functions] : [] },
    ...extras.resolved,
  };
}

/**
 * Resolves attachments and fragments (the template's first, then the command line's), reading
 * stdin for the one that names `-`; the prompt then reads stdin only if none did.
 */
async function resolveExtras(
  llm: Llm,
  args: Omit<PromptArguments, 'words'>,
  template: Template | undefined,
  { chat = false }: { chat?: boolean } = {},
): Promise<{ resolved: Pick<PreparedPrompt, 'attachments' | 'fragments' | 'systemFragments'>; stdin: NodeJS.ReadStream | null; hasContent: boolean }> {
  const attachmentArgs = [...templateAttachments(template), ...(args.attachments ?? [])];
  const fragmentRefs = [...(template?.fragments ?? []), ...(args.fragments ?? [])];
  const systemRefs = [...(template?.system_fragments ?? []), ...(args.systemFragments ?? [])];
  const readers = [...attachmentArgs.map((a) => a.value), ...fragmentRefs, ...systemRefs].filter((value) => value === '-').length;
  if (readers > 0 && chat) throw new UsageError("llm chat reads your lines from stdin, so -a, --at, -f and --sf cannot read it ('-'): give a file path instead.");
  if (readers > 1) throw new UsageError("Only one of -a, --at, -f and --sf can read stdin ('-').");
  const stdin = args.stdin ?? process.stdin;
  const attachments = await resolveAttachments(attachmentArgs, stdin);
  const fromPrompt = splitFragments(await resolveFragments(llm, fragmentRefs, { stdin, database: args.database, allowAttachments: true }));
  const systemFragments = (await resolveFragments(llm, systemRefs, { stdin, database: args.database })) as Fragment[];
  const fragments = fromPrompt.fragments;
  attachments.push(...fromPrompt.attachments);
  return {
    resolved: { attachments, fragments, systemFragments },
    stdin: readers > 0 ? null : stdin,
    hasContent: attachments.length > 0 || fragments.length > 0 || systemFragments.length > 0,
  };
}

/** A template's `attachments:` (types detected) and `attachment_types:` (types given). */
function templateAttachments(template: Template | undefined): AttachmentArgument[] {
  return [...(template?.attachments ?? []).map((value) => ({ value })), ...(template?.attachment_types ?? []).map((a) => ({ value: a.value, type: a.type }))];
}

/** What `llm chat` needs from a template: applied once up front, then to every line typed. */
export interface PreparedChat extends Pick<PreparedPrompt, 'attachments' | 'fragments' | 'systemFragments'> {
  readonly model: Model;
  readonly system: string | undefined;
  readonly options: Record<string, unknown>;
  /** Turns a line the user typed into the prompt to send. */
  readonly transform: ((line: string) => string) | undefined;
  /** The template's `tools:` and `functions:`. */
  readonly templateTools?: PreparedPrompt['templateTools'];
}

/**
 * Like `preparePrompt`, for `llm chat`: the input comes later, one line at a time. Attachments and
 * fragments (the template's, then `-a`, `--at`, `-f`, `--sf`) are resolved and their types checked
 * against the model now, so a wrong one fails before the chat starts; they go with the first line.
 */
export async function prepareChat(llm: Llm, args: Omit<PromptArguments, 'words' | 'stdin'>): Promise<PreparedChat> {
  if (args.template === undefined) {
    rejectParamsWithoutTemplate(args.params);
    const model = await llm.getModel(args.model ?? args.defaultModel);
    const options = await model.validateOptions(args.options, { fromCli: true });
    const extras = await chatExtras(llm, model, args, undefined);
    return { model, system: args.system, options, transform: undefined, ...extras };
  }
  const template = await new TemplateStore(llm.userDir).load(args.template);
  for (const warning of unusedParams(template, args.params)) llm.warn(warning);
  const model = await templateModel(llm, template, args.model, args.defaultModel);
  const options = await templateOptions(model, template, args.options);
  if (template.schema_object) throw new UsageError(`${template.origin.label} has a schema_object, which llm chat does not support: use it with llm -t instead.`);
  const values = templateValues(template, args.params, '');
  checkVariables(template, values);
  return {
    model,
    system: args.system ?? (template.system ? substitute(template.system, values) : undefined),
    options,
    transform: (line) => applyTemplate(template, { input: line, params: args.params }).prompt,
    templateTools: { tools: template.tools ?? [], functions: template.functions ? [template.functions] : [] },
    ...(await chatExtras(llm, model, args, template)),
  };
}

async function chatExtras(llm: Llm, model: Model, args: Omit<PromptArguments, 'words' | 'stdin'>, template: Template | undefined) {
  const { resolved } = await resolveExtras(llm, args, template, { chat: true });
  await checkAttachmentTypes(model, resolved.attachments);
  return resolved;
}

/**
 * The model for a template: `-m`, else the template's model, else `fallback` (LLM_MODEL), else the
 * default model. A template naming a model that is not available is an error naming the template.
 */
export async function templateModel(
  llm: Llm,
  template: Pick<Template, 'model' | 'origin'>,
  explicit: string | undefined,
  fallback?: string | undefined,
): Promise<Model> {
  if (explicit !== undefined) return llm.getModel(explicit);
  if (template.model === undefined) return llm.getModel(fallback);
  try {
    return await llm.getModel(template.model);
  } catch (error) {
    if (!(error instanceof UnknownModelError)) throw error;
    const hint = error.suggestions.length > 0 ? ` Did you mean ${error.suggestions.map((s) => `'${s}'`).join(' or ')}?` : '';
    throw new TemplateError(
      `${template.origin.label} asks for model '${template.model}', which is not available.${hint} Pass -m MODEL to use another (see 'llm models'), or fix the template (${template.origin.fix}).`,
    );
  }
}

/**
 * Options for a prompt with a template: `-o` values win over the template's options; the model's
 * defaults fill the rest. A template option the model rejects is an error naming the template.
 */
export async function templateOptions(model: Model, template: Pick<Template, 'options' | 'origin'>, cli: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
  const fromTemplate = template.options ?? {};
  if (Object.keys(fromTemplate).length > 0) {
    try {
      await model.validateOptions(fromTemplate, { fromCli: true });
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      throw new TemplateError(`${template.origin.label} has options that do not fit: ${error.message}. Fix the template (${template.origin.fix}) or pick another model with -m.`);
    }
  }
  return model.validateOptions({ ...fromTemplate, ...cli }, { fromCli: true });
}

/** The template's schema_object, checked: a valid JSON Schema, for a model that supports schemas. */
async function templateSchema(model: Model, template: Template): Promise<JsonSchema | undefined> {
  const schema = template.schema_object;
  if (!schema) return undefined;
  try {
    await compileSchema(schema);
  } catch (error) {
    throw new TemplateError(`${template.origin.label} has a schema_object that is not a valid JSON Schema: ${messageOf(error)}. Fix the template (${template.origin.fix}).`);
  }
  if (!model.supportsSchema) {
    throw new LlmError(`${template.origin.label} has a schema_object, but model '${model.id}' does not support schemas. Pick a model that does with -m (see 'llm models --options').`);
  }
  return schema;
}

/** `--schema` needs a model that can be asked for JSON matching a schema. */
function requireSchemaSupport(model: Model, schema: JsonSchema): JsonSchema {
  if (!model.supportsSchema) {
    throw new UsageError(`Model '${model.id}' does not support --schema. Pick a model that does ('llm models --options' lists its features).`);
  }
  return schema;
}

function rejectParamsWithoutTemplate(params: Readonly<Record<string, string>>): void {
  const [name] = Object.keys(params);
  if (name !== undefined) throw new UsageError(`-p ${name} sets a template variable, but no template is given: add -t NAME (or --save NAME to store it as a default).`);
}
