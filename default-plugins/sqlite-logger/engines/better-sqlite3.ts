import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../../src/package-info.js';
import { probeFacts, wrapNative } from './native.js';
import type { FileEngine } from './types.js';

/**
 * better-sqlite3, the native engine for Node versions without node:sqlite. An optional dependency
 * compiled at install time: if it was not built, loading it throws and the next engine is tried.
 */
export async function loadBetterSqlite3(): Promise<FileEngine> {
  // A CommonJS package, required rather than imported: import() would first scan its source for
  // named exports (cjs-module-lexer), a few ms of every logged prompt, for a default export.
  const require = createRequire(import.meta.url);
  const main = require.resolve('better-sqlite3');
  const nativeBinding = builtBinding(require, main);
  // The build's one-file copy only with the addon given by path: without it, better-sqlite3 asks
  // `bindings`, which looks for the addon beside the file that asks (the package's own lib/).
  const Database = require(nativeBinding ? bundledOrInstalled(main) : main) as typeof import('better-sqlite3').default;
  // The native binding loads with the first database: this throws if it was never built.
  const facts = probeFacts(new Database(':memory:', { nativeBinding }));
  return {
    kind: 'file',
    name: 'better-sqlite3',
    workerModule: main,
    sqliteVersion: facts.version,
    hasFts5: facts.fts5,
    open(path, { busyTimeoutMs }) {
      return wrapNative(new Database(path, { timeout: busyTimeoutMs, nativeBinding }));
    },
  };
}

/**
 * The build's one-file copy of the installed better-sqlite3's JavaScript (scripts/build.mjs) when
 * it was made from this very version (~7 ms less than requiring the package's dozen files), else
 * the package itself.
 */
export function bundledOrInstalled(main: string, root: string = packageRoot): string {
  const { version } = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string };
  const bundled = join(root, 'dist', 'vendor', `better-sqlite3-${version}.cjs`);
  return existsSync(bundled) ? bundled : main;
}

/**
 * The addon npm built (build/Release), loaded directly: without it better-sqlite3 asks the
 * `bindings` package, which tries a dozen paths and reads a stack trace to find its root (~3 ms of
 * every logged prompt). Where the addon is elsewhere (a custom build), `bindings` finds it as before.
 */
function builtBinding(require: NodeJS.Require, main: string): object | undefined {
  const file = join(dirname(main), '..', 'build', 'Release', 'better_sqlite3.node');
  return existsSync(file) ? (require(file) as object) : undefined;
}
