import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageName } from '../package-info.js';

/** The package's name before 0.2, still accepted (with a warning) in files that llm loads. */
export const LEGACY_PACKAGE_NAME = 'llm';

/** Options for `importModule`. */
export interface ImportModuleOptions {
  /** Told once per file that imports the package by its old name. */
  readonly warn?: (message: string) => void;
  /** What the file is, for the deprecation warning ("experiment file", "plugin"...). */
  readonly what?: string;
}

/**
 * Imports a user's TypeScript or JavaScript module (`.ts`, `.mts`, `.cts`, `.js`, `.mjs`, `.cjs`)
 * from any folder, with `import ... from 'llm-host'` (and `'llm-host/command'`) resolved to the
 * running host: the same classes and run contexts as this process, without a node_modules link.
 *
 * Files load through jiti, which compiles TypeScript in-process and caches the result by content
 * in the temp folder. Experiment files, `--functions` files and plugins that cannot resolve the
 * host by themselves all come through here. The package's name before 0.2 (`'llm'`) still
 * resolves, with a one-line deprecation warning.
 */
export async function importModule<T = Record<string, unknown>>(path: string, options: ImportModuleOptions = {}): Promise<T> {
  const [{ createJiti }, library, command] = await Promise.all([import('jiti'), import('../index.js'), import('../command.js')]);
  const name = packageName();
  let warned = false;
  const legacy = <M>(module: M) => () => {
    if (!warned) {
      warned = true;
      options.warn?.(
        `${options.what ?? 'the module'} ${path} imports '${LEGACY_PACKAGE_NAME}', the package's name before 0.2: import from '${name}' instead ('${LEGACY_PACKAGE_NAME}' stops working in 0.3)`,
      );
    }
    return module;
  };
  const virtualModules: Record<string, unknown> = { [name]: library, [`${name}/command`]: command };
  // Getters: jiti asks `id in virtualModules` first, so the warning comes only when a file imports it.
  Object.defineProperty(virtualModules, LEGACY_PACKAGE_NAME, { enumerable: true, get: legacy(library) });
  Object.defineProperty(virtualModules, `${LEGACY_PACKAGE_NAME}/command`, { enumerable: true, get: legacy(command) });
  const jiti = createJiti(path, {
    // Compiled files are cached by content in the system's temp folder (never beside the file).
    fsCache: join(tmpdir(), 'llm-host-jiti'),
    moduleCache: false,
    virtualModules,
  });
  return jiti.import<T>(path);
}
