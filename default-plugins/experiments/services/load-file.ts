import { existsSync, statSync } from 'node:fs';
import { extname, relative, resolve } from 'node:path';
import { importModule, LlmError, UsageError } from 'llm-host';
import { collectBotModels, isExperiment, type Experiment, type ModelReference } from '../library.js';

/** The extensions an experiment file may have. */
const EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** The experiments a file exports. */
export interface ExperimentFile {
  /** Absolute path. */
  readonly path: string;
  readonly experiments: readonly Experiment<unknown, unknown>[];
  /** The models that the bots the file defines name (undefined: the default model), to prepare before running. */
  readonly models: readonly ModelReference[];
}

/**
 * Loads an experiment file (.ts, .js, .mjs, ...) and returns the experiments it exports (as
 * named or default exports, or in an exported array).
 *
 * Files load through `importModule` (jiti): it compiles TypeScript in-process (no build step, no
 * separate loader thread), whatever the folder's package.json says, and hands the file the running
 * host itself, so `import { experiment } from 'llm-host/experiments'` works from any folder and
 * shares this process's classes and run contexts. Files written for llm 0.1 import 'llm', and files
 * written before 0.2.1 import the experiments from the package's root: both still work, with a
 * warning through `warn`.
 */
export async function loadExperimentFile(file: string, cwd = process.cwd(), warn?: (message: string) => void): Promise<ExperimentFile> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`No experiment file at ${path}: check the path.`);
  if (!statSync(path).isFile()) throw new UsageError(`${path} is a directory: give an experiment file (.ts, .js or .mjs).`);
  if (!EXTENSIONS.includes(extname(path))) throw new UsageError(`${file} is not a .ts, .js or .mjs module: an experiment file is TypeScript or JavaScript that exports experiments.`);
  let module: Record<string, unknown>;
  let models: readonly ModelReference[];
  try {
    ({ result: module, models } = await collectBotModels(() => importModule(path, { warn, what: 'experiment file' })));
  } catch (error) {
    throw new LlmError(describeLoadError(path, error, cwd), { cause: error });
  }
  const experiments = collectExperiments(module);
  const shown = relative(cwd, path) || path;
  if (experiments.length === 0) {
    const names = Object.keys(module).filter((key) => key !== '__esModule');
    throw new LlmError(
      `${shown} exports no experiment: export one made with experiment(name, pipeline, options) from 'llm-host/experiments'${names.length > 0 ? ` (it exports ${names.join(', ')})` : ''}.`,
    );
  }
  const seen = new Set<string>();
  for (const experiment of experiments) {
    if (seen.has(experiment.name)) throw new LlmError(`${shown} exports two experiments named '${experiment.name}': give each its own name.`);
    seen.add(experiment.name);
  }
  return { path, experiments, models };
}

/** Every experiment among a module's exports, once each, in export order. */
function collectExperiments(module: Record<string, unknown>): Experiment<unknown, unknown>[] {
  const found: Experiment<unknown, unknown>[] = [];
  const add = (value: unknown) => {
    if (isExperiment(value) && !found.includes(value)) found.push(value);
  };
  for (const value of Object.values(module)) {
    if (Array.isArray(value)) value.forEach(add);
    else add(value);
  }
  return found;
}

/**
 * One line: a syntax error with file, line and column; an error thrown while the module ran, with
 * the line it came from; a missing module as Node says it.
 */
export function describeLoadError(path: string, error: unknown, cwd: string): string {
  const shown = relative(cwd, path) || path;
  // Errors may come from another realm (a VM context), where instanceof Error fails.
  const isError = typeof error === 'object' && error !== null && typeof (error as Error).message === 'string';
  const message = isError ? (error as Error).message : String(error);
  const stack = isError ? String((error as Error).stack ?? '') : '';
  // jiti's transform errors: "ParseError: Unexpected token \n /path/file.ts:2:26"
  const location = new RegExp(`${escapeRegExp(path)}:(\\d+):(\\d+)`).exec(message);
  if (/ParseError|SyntaxError/.test(`${(error as Error)?.name} ${message}`) && location) {
    const text = message.replace(location[0], '').replace(/^\s*(ParseError|SyntaxError):\s*/, '').replace(/\s+/g, ' ').trim();
    return `${shown}:${location[1]}:${location[2]}: ${text || 'syntax error'} (the file does not compile)`;
  }
  const frame = new RegExp(`${escapeRegExp(path)}:(\\d+)(?::(\\d+))?`).exec(stack);
  const where = frame ? `${shown}:${frame[1]}${frame[2] ? `:${frame[2]}` : ''}` : shown;
  const lines = message.split('\n').map((line) => line.trim()).filter(Boolean);
  // "Something went wrong:" says little without the line after it.
  const firstLine = (lines[0]?.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : lines[0]) ?? 'unknown error';
  return `${where}: ${firstLine} (while loading the experiment file)`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
