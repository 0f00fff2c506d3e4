import { lstat, mkdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, messageOf } from '../errors.js';
import { packageName as hostPackageName, packageRoot } from '../package-info.js';
import { LEGACY_PACKAGE_NAME } from './module-loader.js';
import type { PluginSource } from './plugin-loader.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** The folder `llm plugins install` installs into: its own package.json and node_modules. */
export function pluginsDir(userDir: string): string {
  return join(userDir, 'plugins');
}

/** What plugins/package.json records. */
export interface PluginsManifest {
  /** Packages npm installed (copies of registry packages, folders and tarballs). */
  readonly dependencies: Record<string, string>;
  /** Folders installed with --editable: loaded in place, not managed by npm. Name -> path. */
  readonly editablePlugins: Record<string, string>;
}

/** Reads plugins/package.json in `dir` (empty when there is none). */
export async function readPluginsManifest(dir: string): Promise<PluginsManifest> {
  const manifest = join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(manifest, 'utf8');
  } catch {
    return { dependencies: {}, editablePlugins: {} };
  }
  try {
    const pkg = JSON.parse(text) as Partial<PluginsManifest>;
    return { dependencies: pkg.dependencies ?? {}, editablePlugins: pkg.editablePlugins ?? {} };
  } catch (error) {
    throw new ConfigError(`${manifest} is not valid JSON (${messageOf(error)}); fix it or reinstall your plugins.`);
  }
}

/** Updates the editable plugins recorded in plugins/package.json in `dir`. */
export async function writeEditablePlugins(dir: string, editable: Record<string, string>): Promise<void> {
  const path = join(dir, 'package.json');
  const pkg = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  if (Object.keys(editable).length > 0) pkg.editablePlugins = editable;
  else delete pkg.editablePlugins;
  await writeFileAtomic(path, JSON.stringify(pkg, null, 2) + '\n');
}

/** Plugins installed in `dir` (default: the user directory's plugins/), npm packages then editable folders. */
export async function installedPluginSources(dir: string): Promise<PluginSource[]> {
  const { dependencies, editablePlugins } = await readPluginsManifest(dir);
  const origin = join(dir, 'package.json');
  const names = Object.keys(dependencies);
  if (names.length > 0) await linkHost(dir);
  return [
    ...names.map((name) => ({ kind: 'installed' as const, spec: name, baseDir: dir, origin })),
    ...Object.values(editablePlugins).map((path) => ({ kind: 'installed' as const, spec: path, baseDir: dir, origin })),
  ];
}

/** Creates `dir` with its package.json if missing. */
export async function ensurePluginsManifest(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = join(dir, 'package.json');
  const exists = await readFile(manifest).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const pkg = { name: 'llm-user-plugins', private: true, description: 'Plugins installed with `llm plugins install`', dependencies: {} };
    await writeFileAtomic(manifest, JSON.stringify(pkg, null, 2) + '\n');
  }
}

/**
 * Makes the host package (`llm-host`) resolve, for installed plugins, to the copy that is running:
 * a link plugins/node_modules/llm-host -> this package. Plugins declare it as a peer dependency and
 * import it; without the link Node would not find it. Re-made when missing or pointing elsewhere
 * (llm moved or was reinstalled). The link llm 0.1 made under the package's old name, `llm`, is
 * removed: a plugin that still imports `llm` loads through `importModule`, with a warning.
 */
export async function linkHost(dir: string): Promise<void> {
  const link = join(dir, 'node_modules', hostPackageName());
  const current = await readlink(link).catch(() => undefined);
  if (current === packageRoot) return;
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await rm(link, { recursive: true, force: true });
  await symlink(packageRoot, link, process.platform === 'win32' ? 'junction' : 'dir');
  const legacy = join(dir, 'node_modules', LEGACY_PACKAGE_NAME);
  if ((await lstat(legacy).catch(() => undefined))?.isSymbolicLink()) await rm(legacy, { force: true });
}
