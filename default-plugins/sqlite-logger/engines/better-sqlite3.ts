import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import BundledDatabase from 'better-sqlite3';
import bundled from 'better-sqlite3/package.json' with { type: 'json' };
import { probeFacts, wrapNative } from './native.js';
import type { FileEngine } from './types.js';

type DatabaseClass = typeof BundledDatabase;

/**
 * better-sqlite3, the native engine for Node versions without node:sqlite. An optional dependency
 * compiled at install time: if it was not installed or not built, loading it throws and the next
 * engine is tried.
 */
export async function loadBetterSqlite3(): Promise<FileEngine> {
  const require = createRequire(import.meta.url);
  // Throws where npm left the package out (its build failed): the next engine is tried.
  const main = require.resolve('better-sqlite3');
  const { Database, nativeBinding } = pickBuild(require, main);
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
 * The package's JavaScript is in the bundle (loading its dozen files from node_modules cost ~7 ms
 * of every logged prompt), with the addon npm built in build/Release, loaded directly (not
 * through the `bindings` package's path search). Where the installed package is another version
 * than the bundled one, or its addon is elsewhere (a custom build), the installed package loads
 * as it is.
 */
function pickBuild(require: NodeJS.Require, main: string): { Database: DatabaseClass; nativeBinding?: object } {
  const root = join(dirname(main), '..');
  const addon = join(root, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(addon) && installedVersion(root) === bundled.version) return { Database: BundledDatabase, nativeBinding: require(addon) as object };
  return { Database: require(main) as DatabaseClass };
}

function installedVersion(root: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
