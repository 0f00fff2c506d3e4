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
  const [{ createJiti }, library, command, experiments] = await Promise.all([
    import('jiti'),
    import('../index.js'),
    import('../command.js'),
    import('llm-host/experiments'),
  ]);
  const name = packageName();
  const once = () => {
    let warned = false;
    return (message: string) => {
      if (!warned) {
        warned = true;
        options.warn?.(message);
      }
    };
  };
  const warnLegacyName = once();
  const legacy = <M>(module: M) => () => {
    warnLegacyName(
      `${options.what ?? 'the module'} ${path} imports '${LEGACY_PACKAGE_NAME}', the package's name before 0.2: import from '${name}' instead ('${LEGACY_PACKAGE_NAME}' stops working in 0.3)`,
    );
    return module;
  };
  const root = withMovedExports(library, experiments, once(), (exported) =>
    `${options.what ?? 'the module'} ${path} imports ${exported} from '${name}': import it from '${name}/experiments' instead (the experiments left the package's root in 0.2.1; the old imports stop working in 0.3)`,
  );
  const virtualModules: Record<string, unknown> = { [name]: root, [`${name}/command`]: command, [`${name}/experiments`]: experiments };
  // Getters: jiti asks `id in virtualModules` first, so the warning comes only when a file imports it.
  Object.defineProperty(virtualModules, LEGACY_PACKAGE_NAME, { enumerable: true, get: legacy(root) });
  Object.defineProperty(virtualModules, `${LEGACY_PACKAGE_NAME}/command`, { enumerable: true, get: legacy(command) });
  Object.defineProperty(virtualModules, `${LEGACY_PACKAGE_NAME}/experiments`, { enumerable: true, get: legacy(experiments) });
  const jiti = createJiti(path, {
    // Compiled files are cached by content in the system's temp folder (never beside the file).
    fsCache: join(tmpdir(), 'llm-host-jiti'),
    moduleCache: false,
    virtualModules,
  });
  return jiti.import<T>(path);
}

/**
 * The package's root as files loaded by llm see it: its exports, and those that moved to
 * `/experiments` (experiment(), bot(), prompt()... were root exports until 0.2.1), each of which
 * warns once when a file reads it.
 */
function withMovedExports(
  root: Record<string, unknown>,
  moved: Record<string, unknown>,
  warn: (message: string) => void,
  message: (exported: string) => string,
): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(root)) merged[key] = root[key];
  for (const key of Object.keys(moved)) {
    if (key in merged) continue;
    Object.defineProperty(merged, key, {
      enumerable: true,
      get: () => {
        warn(message(key));
        return moved[key];
      },
    });
  }
  return merged;
}
