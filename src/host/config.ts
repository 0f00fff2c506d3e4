import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { ConfigError, messageOf } from '../errors.js';
import { commonJsExports } from '../util/interop.js';

/** A plugin named in a config file. */
export interface ConfiguredPlugin {
  /** npm package name or path (relative to the config file). */
  readonly spec: string;
  /** Folder the spec is relative to: the config file's. */
  readonly baseDir: string;
  /** The config file that named it. */
  readonly origin: string;
  /** Options handed to the plugin as `context.options`. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Settings read from config files. */
export interface LlmConfig {
  /** Extra plugins to load, besides those installed with `llm plugins install`. */
  readonly plugins: readonly ConfiguredPlugin[];
  /** Default plugins switched on (true) or off (false) by name. */
  readonly defaultPlugins: Readonly<Record<string, boolean>>;
  /**
   * Options for default plugins, by name: `defaultPlugins: { openai: { timeout: 120 } }` switches
   * the plugin on and hands it these options as `context.options`.
   */
  readonly defaultPluginOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The config files read, user directory's first. */
  readonly files: readonly string[];
}

/** Where a config file may be, in each folder searched (cosmiconfig search places). */
export const CONFIG_FILES = [
  'package.json',
  '.llmrc',
  '.llmrc.json',
  '.llmrc.yaml',
  '.llmrc.yml',
  'llm.config.js',
  'llm.config.mjs',
  'llm.config.cjs',
] as const;

const KNOWN_KEYS = new Set(['plugins', 'defaultPlugins']);

/**
 * Reads the config: the user directory's config file, then the nearest one found searching from
 * `cwd` upward, which adds to it (plugin lists are joined; a default-plugin switch in the
 * project file wins). Uses cosmiconfig. A file that cannot be parsed is an error naming it.
 */
export async function loadConfig(
  { cwd, userDir, warn }: { cwd: string; userDir: string; warn: (message: string) => void },
): Promise<LlmConfig> {
  const dirs = [userDir, ...ancestors(cwd).filter((dir) => dir !== userDir)];
  // Most runs have no config file anywhere: then cosmiconfig (a large module) need not load.
  if (!dirs.some(mayHoldConfig)) return { plugins: [], defaultPlugins: {}, defaultPluginOptions: {}, files: [] };
  const { cosmiconfig } = commonJsExports(await import('cosmiconfig'));
  const explorer = cosmiconfig('llm', { searchPlaces: [...CONFIG_FILES], searchStrategy: 'none', cache: false });
  const found: { config: unknown; filepath: string }[] = [];
  const fromUserDir = await search(explorer, userDir);
  if (fromUserDir) found.push(fromUserDir);
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (dir !== userDir) {
      const result = await search(explorer, dir);
      if (result) {
        if (result.filepath !== fromUserDir?.filepath) found.push(result);
        break;
      }
    }
    if (dir === parse(dir).root) break;
  }
  const plugins: ConfiguredPlugin[] = [];
  const defaultPlugins: Record<string, boolean> = {};
  const defaultPluginOptions: Record<string, Record<string, unknown>> = {};
  for (const { config, filepath } of found) {
    const parsed = parseConfig(config, filepath, warn);
    plugins.push(...parsed.plugins);
    Object.assign(defaultPlugins, parsed.defaultPlugins);
    for (const [name, options] of Object.entries(parsed.defaultPluginOptions)) {
      defaultPluginOptions[name] = { ...defaultPluginOptions[name], ...options };
    }
  }
  return { plugins, defaultPlugins, defaultPluginOptions, files: found.map((f) => f.filepath) };
}

/** `dir` and every folder above it. */
function ancestors(dir: string): string[] {
  const result = [dir];
  while (result.at(-1) !== parse(result.at(-1)!).root) result.push(dirname(result.at(-1)!));
  return result;
}

/**
 * Whether cosmiconfig could find a config file in `dir`: one of CONFIG_FILES exists (a
 * package.json only if it has an `llm` key, or does not parse, which cosmiconfig then reports).
 */
function mayHoldConfig(dir: string): boolean {
  for (const name of CONFIG_FILES) {
    const path = join(dir, name);
    if (name !== 'package.json') {
      if (existsSync(path)) return true;
      continue;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    try {
      const pkg = JSON.parse(text) as unknown;
      if (typeof pkg === 'object' && pkg !== null && 'llm' in pkg) return true;
    } catch {
      return true;
    }
  }
  return false;
}

type Explorer = { search(from: string): Promise<{ config: unknown; filepath: string; isEmpty?: boolean } | null> };

async function search(explorer: Explorer, dir: string): Promise<{ config: unknown; filepath: string } | undefined> {
  try {
    const result = await explorer.search(dir);
    return result && !result.isEmpty ? result : undefined;
  } catch (error) {
    const message = messageOf(error);
    const file = (error as { filepath?: string }).filepath ?? /in (\S+?):?\s*$/m.exec(message.split('\n')[0]!)?.[1] ?? dir;
    throw new ConfigError(`Config file ${file} could not be read: ${oneLine(message)}. Fix or remove it.`, { cause: error });
  }
}

function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^\d+\s*\|/.test(line) && !/^[>|^\s]+$/.test(line))
    .join(' ');
}

function parseConfig(
  config: unknown,
  file: string,
  warn: (message: string) => void,
): Pick<LlmConfig, 'plugins' | 'defaultPlugins' | 'defaultPluginOptions'> {
  const bad = (what: string) => new ConfigError(`Config file ${file}: ${what}.`);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw bad('the config must be an object');
  const record = config as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_KEYS.has(key)) warn(`config file ${file} has an unknown key '${key}' (known keys: ${[...KNOWN_KEYS].join(', ')}); ignoring it`);
  }
  const plugins: ConfiguredPlugin[] = [];
  const list = record.plugins ?? [];
  if (!Array.isArray(list)) throw bad("'plugins' must be a list of package names or paths");
  for (const item of list) {
    if (typeof item === 'string' && item.trim()) {
      plugins.push({ spec: item.trim(), baseDir: dirname(file), origin: file, options: {} });
    } else if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') {
      const { name, options = {} } = item as { name: string; options?: unknown };
      if (typeof options !== 'object' || options === null) throw bad(`the options of plugin '${name}' must be an object`);
      plugins.push({ spec: name, baseDir: dirname(file), origin: file, options: options as Record<string, unknown> });
    } else {
      throw bad(`each entry of 'plugins' must be a package name, a path, or { name, options } (got ${JSON.stringify(item)})`);
    }
  }
  const switches = record.defaultPlugins ?? {};
  if (typeof switches !== 'object' || switches === null || Array.isArray(switches)) {
    throw bad("'defaultPlugins' must map plugin names to true, false or an options object, e.g. { \"openai\": false }");
  }
  const defaultPlugins: Record<string, boolean> = {};
  const defaultPluginOptions: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(switches as Record<string, unknown>)) {
    if (typeof value === 'boolean') {
      defaultPlugins[name] = value;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // An options object switches the plugin on and configures it.
      defaultPlugins[name] = true;
      defaultPluginOptions[name] = value as Record<string, unknown>;
    } else {
      throw bad(`'defaultPlugins.${name}' must be true, false or an object of options for the plugin`);
    }
  }
  return { plugins, defaultPlugins, defaultPluginOptions };
}

/** The config file names, for help text. */
export function configFileNames(): string {
  return CONFIG_FILES.map((name) => (name === 'package.json' ? 'package.json ("llm" key)' : name)).join(', ');
}

/** Path of the config file `llm` would create in the user directory. */
export function userConfigPath(userDir: string): string {
  return join(userDir, '.llmrc.json');
}
