import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { TemplateError } from 'llm-host';

/**
 * Prompt templates for prompt functions: nunjucks (Jinja's syntax: `{{ name }}`, `{% for %}`,
 * `{% if %}`, filters). nunjucks is CommonJS, so it is required synchronously on the first
 * `prompt()` (which runs when an experiment file loads), never when `llm` itself starts.
 */

type Nunjucks = typeof import('nunjucks');

let loaded: { nunjucks: Nunjucks; env: import('nunjucks').Environment } | undefined;

function nunjucks(): NonNullable<typeof loaded> {
  if (!loaded) {
    const module = createRequire(import.meta.url)('nunjucks') as Nunjucks;
    // No autoescape: prompts are not HTML. trimBlocks/lstripBlocks: a line holding only a block
    // tag leaves no blank line behind, as in Jinja prompt templates.
    const env = new module.Environment(null, { autoescape: false, trimBlocks: true, lstripBlocks: true });
    loaded = { nunjucks: module, env };
  }
  return loaded;
}

/** The sha256 of a template's text, in hex: the template's version. */
export function templateHash(template: string): string {
  return createHash('sha256').update(template, 'utf8').digest('hex');
}

/** A compiled template and the variables it reads. */
export interface CompiledTemplate {
  /** Names the template reads that it does not set itself, in order of first use. */
  readonly variables: readonly string[];
  render(variables: Readonly<Record<string, unknown>>): string;
}

/**
 * Compiles a template; a syntax error is a TemplateError naming the prompt and the line and
 * column in the template.
 */
export function compileTemplate(name: string, source: string): CompiledTemplate {
  const { nunjucks: module, env } = nunjucks();
  let template: import('nunjucks').Template;
  let variables: string[];
  try {
    template = new module.Template(source, env, name, true);
    variables = freeVariables((module as unknown as { parser: { parse(src: string): AstNode } }).parser.parse(source));
  } catch (error) {
    throw new TemplateError(`prompt '${name}' has a template error: ${describeNunjucksError(error)}`);
  }
  return {
    variables,
    render(values) {
      try {
        return template.render(values as object);
      } catch (error) {
        throw new TemplateError(`prompt '${name}' failed to render: ${describeNunjucksError(error)}`);
      }
    },
  };
}

/** `(name) [Line 1, Column 6]\n  expected variable end` -> `line 1, column 6: expected variable end`. */
function describeNunjucksError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /\[Line (\d+), Column (\d+)\]\s*(?:\n\s*)?([\s\S]*)$/.exec(message);
  const text = (match ? `line ${match[1]}, column ${match[2]}: ${match[3]}` : message.replace(/^\([^)]*\)\s*/, '')).replace(/\s*\n\s*/g, ' ').trim();
  const cleaned = text.replace(/^Template render error:\s*/, '');
  return /unexpected end of file/.test(cleaned) ? `${cleaned} (is a {% for %} or {% if %} block not closed?)` : cleaned;
}

// -- Free variables ----------------------------------------------------------------------------------

/** A nunjucks AST node (the parser's API is undocumented; these are the fields used here). */
interface AstNode {
  readonly typename: string;
  readonly fields: readonly string[];
  readonly value?: unknown;
  readonly [field: string]: unknown;
}

/** nunjucks' own globals, available in every template. */
const GLOBALS = new Set(['range', 'cycler', 'joiner']);

/**
 * The names a template reads but never binds (`{% set %}`, loop variables, macro arguments):
 * what the caller must pass. A name bound anywhere in an enclosing block counts as bound.
 */
function freeVariables(root: AstNode): string[] {
  const free = new Set<string>();
  const visit = (node: unknown, bound: ReadonlySet<string>): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child, bound);
      return;
    }
    const n = node as AstNode;
    if (typeof n.typename !== 'string') return;
    switch (n.typename) {
      case 'Symbol': {
        const name = String(n.value);
        if (!bound.has(name) && !GLOBALS.has(name)) free.add(name);
        return;
      }
      case 'Filter':
      case 'FilterAsync':
        // The first field names the filter; only its arguments read variables.
        visit(n.args, bound);
        return;
      case 'Is':
        // `x is defined`: the right side names the test.
        visit(n.left, bound);
        return;
      case 'Pair':
        // Dict keys and keyword arguments are names, not variables.
        if ((n.key as AstNode | undefined)?.typename !== 'Symbol') visit(n.key, bound);
        visit(n.value, bound);
        return;
      case 'LookupVal':
        visit(n.target, bound);
        if ((n.val as AstNode | undefined)?.typename !== 'Literal') visit(n.val, bound);
        return;
      case 'For':
      case 'AsyncEach':
      case 'AsyncAll': {
        visit(n.arr, bound);
        const inner = new Set([...bound, ...symbolNames(n.name), 'loop']);
        visit(n.body, inner);
        visit(n.else_, bound);
        return;
      }
      case 'Set': {
        visit(n.value, bound);
        visit(n.body, bound);
        for (const name of symbolNames(n.targets)) (bound as Set<string>).add(name);
        return;
      }
      case 'Macro':
      case 'Caller': {
        const args = (n.args as AstNode | undefined)?.children;
        const names = symbolNames(args);
        const inner = new Set([...bound, ...names, 'caller']);
        for (const arg of (args as unknown[] | undefined) ?? []) {
          // Default values of keyword arguments are read where the macro is defined.
          if ((arg as AstNode).typename === 'KeywordArgs') visit((arg as AstNode).children, bound);
        }
        visit(n.body, inner);
        if (n.typename === 'Macro') for (const name of symbolNames(n.name)) (bound as Set<string>).add(name);
        return;
      }
      default:
        for (const field of n.fields) visit(n[field], bound);
    }
  };
  visit(root, new Set<string>());
  return [...free];
}

/** The names of a Symbol, an Array of Symbols, or a list of them (and keyword arguments' keys). */
function symbolNames(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap(symbolNames);
  const n = node as AstNode;
  if (n.typename === 'Symbol') return [String(n.value)];
  if (n.typename === 'Pair') return symbolNames(n.key);
  if (n.typename === 'Array' || n.typename === 'NodeList' || n.typename === 'KeywordArgs') return symbolNames(n.children);
  return [];
}
