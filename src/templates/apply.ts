import { UsageError } from '../errors.js';
import { missingVariables, substitute } from './substitute.js';
import { templateVariables, type Template } from './template.js';

/** What a template turns the user's input into. */
export interface AppliedTemplate {
  /** The prompt to send. */
  readonly prompt: string;
  /** The template's system prompt with its variables filled in, if it has one. */
  readonly system: string | undefined;
}

/** The user's side of applying a template. */
export interface TemplateArguments {
  /** The user's input: piped stdin and prompt arguments (may be empty). */
  readonly input: string;
  /** Values from `-p NAME VALUE`; they win over the template's defaults. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Fills in a template, as the Python llm does: `$input` is the user's input; other variables come
 * from `-p`, then the template's defaults. A template that does not use `$input` gets the input
 * appended to its prompt on a new line; a template without a prompt sends the input as the prompt.
 * Every missing variable is named in one error.
 */
export function applyTemplate(template: Template, { input, params }: TemplateArguments): AppliedTemplate {
  const values = templateValues(template, params, input);
  checkVariables(template, values);
  const usesInput = templateVariables(template).includes('input');
  if (usesInput && input.trim() === '') {
    throw new UsageError(`${template.origin.label} puts your input where it says $input, but there is none: pipe text to llm or pass it as an argument.`);
  }
  const system = template.system ? substitute(template.system, values) : undefined;
  let prompt: string;
  if (!template.prompt) prompt = input;
  else if (usesInput || input.trim() === '') prompt = substitute(template.prompt, values);
  else prompt = `${substitute(template.prompt, values)}\n${input}`;
  if (prompt.trim() === '') {
    throw new UsageError(
      template.prompt
        ? `${template.origin.label} gave an empty prompt: check the values of its variables (-p NAME VALUE).`
        : `${template.origin.label} has no prompt of its own, so it needs your input: pipe text to llm or pass it as an argument.`,
    );
  }
  return { prompt, system };
}

/** The values a template's variables get: its defaults, then `-p` values, then `$input`. */
export function templateValues(template: Template, params: Readonly<Record<string, string>>, input: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(template.defaults ?? {})) values[name] = String(value);
  return Object.assign(values, params, { input });
}

/** Throws one error naming every variable of the template that has no value. */
export function checkVariables(template: Template, values: Readonly<Record<string, string>>): void {
  const missing = [...new Set([...missingVariables(template.prompt, values), ...missingVariables(template.system, values)])];
  if (missing.length === 0) return;
  const example = missing.map((name) => `-p ${name} VALUE`).join(' ');
  throw new UsageError(
    `${template.origin.label} needs a value for ${missing.map((name) => `$${name}`).join(', ')}: pass ${example}, or give it a default under 'defaults:' in the template.`,
  );
}

/**
 * Warnings for `-p` names a template does not use: a typo there would otherwise go unnoticed.
 * `-p input` is always unused: `$input` is the user's input.
 */
export function unusedParams(template: Template, params: Readonly<Record<string, string>>): string[] {
  const used = new Set(templateVariables(template));
  const warnings: string[] = [];
  for (const name of Object.keys(params)) {
    if (name === 'input') warnings.push(`-p input is ignored: $input is always your input (piped text and prompt arguments)`);
    else if (!used.has(name)) {
      const names = [...used].filter((n) => n !== 'input');
      const uses = names.length > 0 ? `it uses ${names.map((n) => `$${n}`).join(', ')}` : 'it uses no variables';
      warnings.push(`${template.origin.label} does not use -p ${name} (${uses})`);
    }
  }
  return warnings;
}
