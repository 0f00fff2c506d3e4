import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { LlmError, UsageError, messageOf } from '../errors.js';
import type { JsonSchema } from '../json-schema.js';
import { importModule } from '../host/module-loader.js';
import { checkToolName, type Tool } from '../models/tool.js';

/** The file types `--functions` loads. */
const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/**
 * The tools in `--functions FILE|CODE`: a `.ts`/`.js`/`.mjs` file, or inline code, whose exported
 * functions become tools (loaded through jiti, as experiment files are). A function's JSDoc
 * comment is its description. Its arguments' schema is its exported `schema` property (the
 * function then receives the arguments object); failing that, as in the Python llm, one string
 * argument per parameter name, passed in order (a parameter with a default is optional).
 */
export async function loadFunctions(fileOrCode: string, warn?: (message: string) => void): Promise<Tool[]> {
  const looksLikeFile = EXTENSIONS.includes(extname(fileOrCode)) && !/\s/.test(fileOrCode.trim());
  if (looksLikeFile) {
    const path = resolve(fileOrCode);
    if (!existsSync(path)) throw new UsageError(`--functions ${fileOrCode}: no such file. Give a .ts, .js or .mjs file, or the code itself.`);
    return toolsOfModule(path, readFileSync(path, 'utf8'), fileOrCode, warn);
  }
  // Inline code goes through the same loader from a temporary file (TypeScript is fine too).
  const dir = await mkdtemp(join(tmpdir(), 'llm-functions-'));
  const path = join(dir, 'functions.ts');
  try {
    await writeFile(path, fileOrCode);
    return await toolsOfModule(path, fileOrCode, 'the --functions code', warn);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function toolsOfModule(path: string, source: string, label: string, warn?: (message: string) => void): Promise<Tool[]> {
  let module: Record<string, unknown>;
  try {
    module = await importModule<Record<string, unknown>>(path, { warn, what: '--functions file' });
  } catch (error) {
    throw new LlmError(`--functions: ${label} could not be loaded: ${messageOf(error).split('\n')[0]}`, { cause: error });
  }
  const docs = jsDocComments(source);
  const tools: Tool[] = [];
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function' || name === 'default' || /^[A-Z]/.test(name)) continue;
    checkToolName(name);
    tools.push(functionTool(name, value as (...args: unknown[]) => unknown, docs.get(name), label));
  }
  if (tools.length === 0) throw new UsageError(`--functions: ${label} exports no functions. Export each tool: export function name(arg) {...}`);
  return tools;
}

function functionTool(name: string, fn: (...args: unknown[]) => unknown, description: string | undefined, label: string): Tool {
  const schema = (fn as { schema?: unknown }).schema;
  if (schema !== undefined) {
    if (schema === null || typeof schema !== 'object' || (schema as JsonSchema).type !== 'object') {
      throw new UsageError(`--functions: ${name}.schema in ${label} must be an object schema ({ type: 'object', properties: {...} }).`);
    }
    return { name, description, inputSchema: schema as JsonSchema, implementation: (args) => fn(args) };
  }
  const parameters = parameterList(fn, name, label);
  const properties = Object.fromEntries(parameters.map((p) => [p.name, { type: 'string' }]));
  const required = parameters.filter((p) => !p.optional).map((p) => p.name);
  return {
    name,
    description,
    inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) },
    implementation: (args) => fn(...parameters.map((p) => args[p.name])),
  };
}

/** The names of a function's parameters, from its source (after compilation: types are gone). */
export function parameterList(fn: (...args: unknown[]) => unknown, name: string, label: string): { name: string; optional: boolean }[] {
  const text = Function.prototype.toString.call(fn);
  const match = /^[^(]*\(([^)]*)\)/.exec(text) ?? /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text);
  const list = match?.[1]?.trim() ?? '';
  if (list === '') return [];
  return list.split(',').map((part) => {
    const trimmed = part.trim();
    const param = /^([A-Za-z_$][\w$]*)\s*(=.*)?$/.exec(trimmed);
    if (!param) {
      throw new UsageError(
        `--functions: ${name} in ${label} has a parameter llm cannot name (${trimmed}): use plain parameter names, or export ${name}.schema = { type: 'object', properties: {...} } and take one object.`,
      );
    }
    return { name: param[1]!, optional: param[2] !== undefined };
  });
}

/** JSDoc comments (`/** ... *\/`) right before an exported function or const, by export name. */
export function jsDocComments(source: string): Map<string, string> {
  const docs = new Map<string, string>();
  const pattern = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export\s+(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+)([A-Za-z_$][\w$]*)/g;
  for (const match of source.matchAll(pattern)) {
    const lines = match[1]!
      .split('\n')
      .map((line) => line.replace(/^\s*\*? ?/, '').trimEnd())
      .filter((line) => !line.startsWith('@'));
    const text = lines.join('\n').trim();
    if (text) docs.set(match[2]!, text);
  }
  return docs;
}
