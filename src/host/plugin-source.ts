import { isAbsolute, resolve } from 'node:path';
import type { PluginsManifest } from './installed-plugins.js';

/** Where an installed plugin came from, as plugins/package.json records it. */
export interface InstalledFrom {
  /** `registry`: npm; `tarball`, `folder`: a local path; `git`: a git URL; `url`: a tarball URL; `editable`: a folder loaded in place. */
  readonly type: 'registry' | 'tarball' | 'folder' | 'git' | 'url' | 'editable';
  /** What npm recorded (a version range, `file:...`, a git URL), or the editable folder's path. */
  readonly spec: string;
  /** The absolute path of a tarball, folder or editable folder; the URL of git and url sources. */
  readonly location: string | undefined;
}

/**
 * Where the installed package `name` came from, from the plugins folder `dir`'s manifest; undefined
 * when it is not installed there. Paths npm recorded relative to the folder come back absolute.
 */
export async function installedFrom(name: string, manifest: PluginsManifest, dir: string): Promise<InstalledFrom | undefined> {
  const editable = manifest.editablePlugins[name];
  if (editable !== undefined) return { type: 'editable', spec: editable, location: editable };
  const spec = manifest.dependencies[name];
  if (spec === undefined) return undefined;
  // A CommonJS package whose export is the function itself: `default`, bundled or not.
  const npa = (await import('npm-package-arg')).default;
  let parsed: ReturnType<typeof npa>;
  try {
    parsed = npa.resolve(name, spec, dir);
  } catch {
    return { type: 'registry', spec, location: undefined };
  }
  switch (parsed.type) {
    case 'file':
      return { type: 'tarball', spec, location: localPath(parsed.fetchSpec, dir) };
    case 'directory':
      return { type: 'folder', spec, location: localPath(parsed.fetchSpec, dir) };
    case 'git':
      return { type: 'git', spec, location: parsed.fetchSpec ?? spec };
    case 'remote':
      return { type: 'url', spec, location: parsed.fetchSpec ?? spec };
    default:
      return { type: 'registry', spec, location: undefined };
  }
}

/** One phrase for `llm plugins`: "npm", "tarball /path/x.tgz", "editable /path"... */
export function describeInstalledFrom(from: InstalledFrom): string {
  return from.type === 'registry' ? 'npm' : `${from.type} ${from.location ?? from.spec}`;
}

function localPath(fetchSpec: string | null | undefined, dir: string): string | undefined {
  if (!fetchSpec) return undefined;
  return isAbsolute(fetchSpec) ? fetchSpec : resolve(dir, fetchSpec);
}
