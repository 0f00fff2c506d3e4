import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { TemplateError, UsageError, messageOf } from '../errors.js';
import { packageRoot } from '../package-info.js';
import { parseTemplate, type Template, type TemplateOrigin } from './template.js';

/** Where a template file lives: the user's own, or bundled with llm. */
export type TemplateSource = 'user' | 'bundled';

/** A template file found by name. */
export interface TemplateFile {
  readonly name: string;
  readonly path: string;
  readonly source: TemplateSource;
}

/** The bundled templates: the top-level `templates/` folder of the package. */
export const bundledTemplatesDir: string = join(packageRoot, 'templates');

const EXTENSION = '.yaml';

/**
 * Checks a template name: a plain file name without its `.yaml`, never a path. Returns the name.
 */
export function checkTemplateName(name: string): string {
  if (/[/\\]/.test(name)) {
    throw new UsageError(`Template name '${name}' contains a path separator: use a plain name such as 'summarize' (to use a template file, pass -t path/to/file.yaml).`);
  }
  if (/\.ya?ml$/i.test(name)) {
    throw new UsageError(`Template name '${name}' ends in a YAML extension: give the name alone, such as '${name.replace(/\.ya?ml$/i, '')}'.`);
  }
  if (name.trim() === '' || name.startsWith('.') || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new UsageError(`'${name}' is not a usable template name: use letters, digits, '-' and '_', such as 'summarize'.`);
  }
  return name;
}

/** Whether `-t VALUE` names a file rather than a template: it has a path separator or a YAML extension. */
export function isTemplatePath(value: string): boolean {
  return /[/\\]/.test(value) || /\.ya?ml$/i.test(value);
}

/**
 * The templates llm can use: the user's own in `templates/` of the user directory (as in the Python
 * llm), then the bundled ones. On a name clash the user's template wins.
 */
export class TemplateStore {
  /** The folder of the user's templates. */
  readonly dir: string;

  constructor(
    userDir: string,
    /** The folder of the bundled templates. */
    readonly bundledDir: string = bundledTemplatesDir,
  ) {
    this.dir = join(userDir, 'templates');
  }

  /** Where the user's template of this name is (or would be). */
  userPath(name: string): string {
    return join(this.dir, `${checkTemplateName(name)}${EXTENSION}`);
  }

  /** Every template by name, the user's hiding bundled ones of the same name, sorted by name. */
  async files(): Promise<TemplateFile[]> {
    const byName = new Map<string, TemplateFile>();
    for (const [dir, source] of [[this.bundledDir, 'bundled'], [this.dir, 'user']] as const) {
      for (const name of await yamlNames(dir)) byName.set(name, { name, path: join(dir, `${name}${EXTENSION}`), source });
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The file a name refers to: the user's template, else the bundled one. */
  async find(name: string): Promise<TemplateFile | undefined> {
    const user = this.userPath(name);
    if (await isFile(user)) return { name, path: user, source: 'user' };
    const bundled = join(this.bundledDir, `${name}${EXTENSION}`);
    if (await isFile(bundled)) return { name, path: bundled, source: 'bundled' };
    return undefined;
  }

  /** Loads a template by name, or from a file when `nameOrPath` is a path (see `isTemplatePath`). */
  async load(nameOrPath: string): Promise<Template> {
    if (isTemplatePath(nameOrPath)) return this.loadFile(resolve(nameOrPath), nameOrPath);
    const found = await this.find(nameOrPath);
    if (!found) throw await this.notFound(nameOrPath);
    return this.loadFound(found);
  }

  /** Loads a template found by `find()` or `files()`. */
  async loadFound(file: TemplateFile): Promise<Template> {
    const fix = file.source === 'user' ? `run 'llm templates edit ${file.name}'` : 'report this bug: a bundled template is broken';
    return parseTemplate(await readText(file.path), { label: `Template '${file.name}'`, path: file.path, fix });
  }

  private async loadFile(path: string, given: string): Promise<Template> {
    if (!(await isFile(path))) throw new TemplateError(`Template file ${given} does not exist. Check the path, or give a template name (see 'llm templates').`);
    const origin: TemplateOrigin = { label: `Template file ${given}`, path, fix: `edit ${given}` };
    return parseTemplate(await readText(path), origin);
  }

  private async notFound(name: string): Promise<TemplateError> {
    const names = (await this.files()).map((file) => file.name);
    const wanted = name.toLowerCase();
    const close = names.filter((candidate) => candidate.startsWith(wanted) || distance(wanted, candidate.toLowerCase()) <= Math.max(2, Math.floor(wanted.length / 3)));
    const hint = close.length > 0 ? ` Did you mean ${close.slice(0, 3).map((c) => `'${c}'`).join(' or ')}?` : '';
    return new TemplateError(`No template named '${name}'.${hint} Run 'llm templates' to list them, or save one with 'llm ... --save ${name}'.`);
  }
}

/** The template names (file names without `.yaml`) in a folder; none if it does not exist. */
async function yamlNames(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TemplateError(`Cannot read the templates folder ${dir}: ${messageOf(error)}`);
  }
  return entries.filter((entry) => entry.isFile() && extname(entry.name) === EXTENSION && !entry.name.startsWith('.')).map((entry) => basename(entry.name, EXTENSION));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TemplateError(`Cannot read template file ${path}: ${messageOf(error)}`);
  }
}
