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

let version: string | undefined;

/** The version of `llm`, from its package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
