import { currentRun } from './run-context.js';
import { compileTemplate, templateHash } from './template.js';
import { TemplateError } from 'llm-host';

/** Who a message is from. */
export type MessageRole = 'system' | 'user' | 'assistant';

/** A message for a bot, as a prompt function renders it. */
export interface Message {
  readonly role: MessageRole;
  readonly content: string;
  /** The sha256 of the template the message came from (absent for messages written by hand). */
  readonly templateHash?: string;
  /** The prompt function that rendered it. */
  readonly promptName?: string;
}

/** The variables of a prompt function's template. */
export type PromptVariables = Readonly<Record<string, unknown>>;

/**
 * A prompt function: renders its template with named variables into a message. Calling it in an
 * experiment run records its name and template hash in the run's log.
 */
export interface PromptFunction<Variables extends PromptVariables = PromptVariables> {
  (variables?: Variables): Message;
  /** The name the log keeps its versions under. */
  readonly promptName: string;
  readonly role: MessageRole;
  /** The template text. */
  readonly template: string;
  /** sha256 of `template`, in hex. */
  readonly templateHash: string;
  /** The variables the template reads (each must be passed; pass `null` to leave one empty). */
  readonly variables: readonly string[];
}

/** Settings of a prompt function. */
export interface PromptFunctionOptions {
  /**
   * The name the log keeps this prompt's versions under; give each prompt function one, so that
   * a changed template is recorded as the next version of the same prompt. Default: the role and
   * the first 8 characters of the template hash (each template then stands alone).
   */
  readonly name?: string;
}

const ROLES: readonly MessageRole[] = ['system', 'user', 'assistant'];
const NAME_PATTERN = /^[\w.:/-][\w .:/-]{0,99}$/;

/**
 * A prompt function: `prompt('user', 'Summarize {{ text }} in {{ words }} words', { name: 'summarize' })`
 * returns `summarize({ text, words })`, which renders a `{ role, content, templateHash }` message.
 * Templates are nunjucks (Jinja syntax: loops, conditionals, filters), compiled here so a syntax
 * error shows at once. Every variable the template reads must be passed (`null` renders as
 * empty): a missing one is an error that names it.
 */
export function prompt<Variables extends PromptVariables = PromptVariables>(
  role: MessageRole,
  template: string,
  options: PromptFunctionOptions = {},
): PromptFunction<Variables> {
  if (!ROLES.includes(role)) throw new TemplateError(`prompt role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`);
  if (typeof template !== 'string') throw new TemplateError(`prompt template must be a string (got ${typeof template})`);
  const hash = templateHash(template);
  const name = options.name ?? `${role}-${hash.slice(0, 8)}`;
  if (!NAME_PATTERN.test(name)) {
    throw new TemplateError(`prompt name ${JSON.stringify(name)} is not valid: use up to 100 letters, digits, spaces and . : / - _`);
  }
  const compiled = compileTemplate(name, template);
  const render = (variables: Variables = {} as Variables): Message => {
    if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
      throw new TemplateError(`prompt '${name}' takes an object of variables (got ${Array.isArray(variables) ? 'an array' : typeof variables})`);
    }
    const missing = compiled.variables.filter((variable) => !Object.hasOwn(variables, variable));
    if (missing.length > 0) {
      const unused = Object.keys(variables).filter((key) => !compiled.variables.includes(key));
      const list = missing.map((m) => `'${m}'`).join(', ');
      throw new TemplateError(
        `prompt '${name}' is missing variable${missing.length === 1 ? '' : 's'} ${list}${unused.length > 0 ? ` (it was given ${unused.map((u) => `'${u}'`).join(', ')}, which the template does not use)` : ''}`,
      );
    }
    const content = compiled.render(variables);
    currentRun()?.recordPrompt({ name, hash, role, template });
    return { role, content, templateHash: hash, promptName: name };
  };
  return Object.defineProperties(render, {
    promptName: { value: name, enumerable: true },
    role: { value: role, enumerable: true },
    template: { value: template, enumerable: true },
    templateHash: { value: hash, enumerable: true },
    variables: { value: Object.freeze([...compiled.variables]), enumerable: true },
  }) as PromptFunction<Variables>;
}
