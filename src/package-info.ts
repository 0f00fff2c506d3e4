import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'default-plugins'))) return dir;
  }
  throw new Error(`cannot find the llm package root above ${from}`);
}

/** The folder of the `llm` package (where package.json and default-plugins/ are). */
export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

let manifest: { name: string; version: string } | undefined;

function readManifest(): { name: string; version: string } {
  manifest ??= JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return manifest;
}

/** The version of `llm`, from its package.json. */
export function packageVersion(): string {
  return readManifest().version;
}

/** The npm name of this package (`llm`), which plugins import. */
export function packageName(): string {
  return readManifest().name;
}
