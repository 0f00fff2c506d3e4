import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, extname, isAbsolute, join, parse, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, LlmError, messageOf } from '../errors.js';
import { packageName as hostPackageName, packageRoot } from '../package-info.js';
import { importModule, LEGACY_PACKAGE_NAME } from './module-loader.js';
import type { Plugin, PluginObject } from './plugin.js';

/** Where a plugin came from. */
export type PluginKind = 'installed' | 'config' | 'default' | 'programmatic';

/** A plugin to load: an npm package name or a path, and where it was listed. */
export interface PluginSource {
  readonly kind: PluginKind;
  /** npm package name, or a path to a folder or file. */
  readonly spec: string;
  /** Folder a relative path is resolved against, and where npm names are looked up first. */
  readonly baseDir: string;
  /** The file that listed the plugin (config file, plugins/package.json). */
  readonly origin?: string | undefined;
  /** Options for the plugin, from config. */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
}

/** A plugin module found on disk, not yet imported. */
export interface ResolvedPlugin {
  readonly source: PluginSource;
  /** Absolute path of the module to import. */
  readonly entry: string;
  /** The package's name, if the plugin is a package. */
  readonly packageName: string | undefined;
  /** The package's version, if known. */
  readonly version: string | undefined;
  /** The package's description, if any. */
  readonly description: string | undefined;
}

interface PackageJson {
  name?: string;
  version?: string;
  description?: string;
  main?: string;
  exports?: unknown;
}

/** Whether a plugin spec is a path rather than an npm package name. */
export function isPathSpec(spec: string): boolean {
  if (spec.startsWith('.') || isAbsolute(spec) || spec.includes('\\')) return true;
  if (/\.(?:[mc]?js|[mc]?ts)$/.test(spec)) return true;
  return spec.includes('/') && !/^@[^/]+\/[^/]+$/.test(spec);
}

/** The name LLM_LOAD_PLUGINS matches a plugin by, known before importing it. */
export function selectionName(resolved: ResolvedPlugin): string {
  return resolved.packageName ?? basename(resolved.entry, extname(resolved.entry));
}

/**
 * Finds a plugin's module: a path (folder with package.json, or file), or an npm package in a
 * `node_modules` folder of `searchDirs` or their parents. A missing plugin is an error that says
 * which file listed it.
 */
export async function resolvePlugin(source: PluginSource, searchDirs: readonly string[] = []): Promise<ResolvedPlugin> {
  const listedIn = source.origin ? ` (listed in ${source.origin})` : '';
  if (isPathSpec(source.spec)) {
    const path = resolve(source.baseDir, source.spec);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new ConfigError(`Plugin path ${path} does not exist${listedIn}. Fix the path or remove it.`);
    if (info.isFile()) return { source, entry: path, packageName: undefined, version: undefined, description: undefined };
    return fromPackageDir(source, path);
  }
  for (const start of [source.baseDir, ...searchDirs]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const packageDir = join(dir, 'node_modules', source.spec);
      if (await exists(join(packageDir, 'package.json'))) return fromPackageDir(source, packageDir);
      if (dir === parse(dir).root) break;
    }
  }
  throw new ConfigError(`Plugin package '${source.spec}'${listedIn} is not installed. Install it with 'llm plugins install ${source.spec}'.`);
}

/**
 * Imports a plugin module and returns its plugin: the default export (or `plugin` export), either
 * `{ name, apply }` or a function named after its package or file.
 *
 * A plugin imports the host as `llm-host` and must get the running copy, whatever folder it is in:
 * a JavaScript plugin that resolves `llm-host` to this host (an installed package, through the
 * link in plugins/node_modules) is imported natively; a TypeScript file, or a plugin that would
 * find another copy or none (a file or folder named in a config file, an `--editable` folder with
 * its own node_modules) goes through `importModule`, which hands it this host.
 */
export async function importPlugin(resolved: ResolvedPlugin, warn?: (message: string) => void): Promise<PluginObject> {
  const load = (): Promise<{ default?: unknown; plugin?: unknown }> =>
    importModule(resolved.entry, { warn, what: `plugin ${selectionName(resolved)}` });
  let module: { default?: unknown; plugin?: unknown };
  if (/\.[mc]?ts$/.test(resolved.entry) || (resolved.source.kind !== 'default' && !resolvesToHost(resolved.entry))) {
    module = await load();
  } else {
    try {
      module = (await import(pathToFileURL(resolved.entry).href)) as typeof module;
    } catch (error) {
      // A plugin written for llm 0.1 imports 'llm': it still loads, with a deprecation warning.
      if (!isMissingPackage(error, LEGACY_PACKAGE_NAME)) throw error;
      module = await load();
    }
  }
  return toPluginObject(module.default ?? module.plugin, resolved);
}

/** Whether `import 'llm-host'` from `file` finds the running host (the same folder on disk). */
function resolvesToHost(file: string): boolean {
  try {
    const found = createRequire(file).resolve(`${hostPackageName()}/package.json`);
    return realpathSync(dirname(found)) === hostRoot();
  } catch {
    return false;
  }
}

let realHostRoot: string | undefined;
function hostRoot(): string {
  realHostRoot ??= realpathSync(packageRoot);
  return realHostRoot;
}

function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'ERR_MODULE_NOT_FOUND' && (message ?? '').includes(`Cannot find package '${name}'`);
}

/**
 * Checks the shape of an exported plugin; a function gets its package's (or file's) name, or its
 * own, or `fallbackName`.
 */
export function toPluginObject(exported: unknown, resolved?: ResolvedPlugin, fallbackName?: string): PluginObject {
  if (typeof exported === 'function') {
    const name = resolved ? selectionName(resolved) : exported.name || fallbackName;
    if (!name) throw new LlmError('a plugin function needs a name');
    return { name, apply: exported as PluginObject['apply'] };
  }
  const candidate = exported as Partial<PluginObject> | undefined;
  if (candidate && typeof candidate === 'object' && typeof candidate.name === 'string' && candidate.name && typeof candidate.apply === 'function') {
    return candidate as PluginObject;
  }
  const where = resolved ? `${resolved.entry}` : 'the value given';
  throw new LlmError(`${where} is not an llm plugin: its default export must be { name, apply(hooks, context) } or a function`);
}

async function fromPackageDir(source: PluginSource, dir: string): Promise<ResolvedPlugin> {
  let pkg: PackageJson = {};
  const pkgPath = join(dir, 'package.json');
  if (await exists(pkgPath)) {
    try {
      pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as PackageJson;
    } catch (error) {
      throw new ConfigError(`Plugin package.json ${pkgPath} is not valid JSON: ${messageOf(error)}`);
    }
  }
  const entry = resolve(dir, packageEntry(pkg) ?? 'index.js');
  if (!(await exists(entry))) {
    throw new ConfigError(`Plugin ${pkg.name ?? dir} has no module at ${entry}. Is it built?`);
  }
  return { source, entry, packageName: pkg.name, version: pkg.version, description: pkg.description };
}

/** The file a package's `exports` (import/node/default condition) or `main` points to. */
function packageEntry(pkg: PackageJson): string | undefined {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(pick).find(Boolean);
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ('.' in record) return pick(record['.']);
      for (const condition of ['import', 'node', 'default']) if (condition in record) return pick(record[condition]);
    }
    return undefined;
  };
  return pick(pkg.exports) ?? pkg.main;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
