import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, messageOf } from './errors.js';
import type { PluginSource } from './plugin-loader.js';

/** The folder `llm plugins install` installs into: its own package.json and node_modules. */
export function pluginsDir(userDir: string): string {
  return join(userDir, 'plugins');
}

/** Plugins installed into the user directory, from the dependencies of plugins/package.json. */
export async function installedPluginSources(userDir: string): Promise<PluginSource[]> {
  const dir = pluginsDir(userDir);
  const manifest = join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(manifest, 'utf8');
  } catch {
    return [];
  }
  let pkg: { dependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch (error) {
    throw new ConfigError(`${manifest} is not valid JSON (${messageOf(error)}); fix it or reinstall your plugins.`);
  }
  return Object.keys(pkg.dependencies ?? {}).map((name) => ({ kind: 'installed' as const, spec: name, baseDir: dir, origin: manifest }));
}
