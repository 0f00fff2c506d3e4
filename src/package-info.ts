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

/** What llm reads of its own package.json. */
export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly oclif: { readonly bin?: string; readonly binAliases?: string[]; readonly dirname?: string; readonly topicSeparator?: string; readonly theme?: unknown };
}

let pjson: PackageJson | undefined;

/** llm's package.json, read once. */
export function packageJson(): PackageJson {
  pjson ??= JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as PackageJson;
  return pjson;
}

/** The version of `llm`, from its package.json. */
export function packageVersion(): string {
  return packageJson().version;
}

/** The npm name of this package (`llm`), which plugins import. */
export function packageName(): string {
  return packageJson().name;
}
