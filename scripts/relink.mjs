// The build's second step: rollup links esbuild's output once more, to put what every CLI run
// loads into one file. esbuild splits shared code into one chunk per set of entry points that use
// it, so a run of `llm` loaded 35-45 small files, and on Node 20 each ES module file costs about
// 0.7 ms to resolve, read, compile and link whatever its size (measured here: 40 one-line modules
// take 27 ms more to import than one module holding the same lines). Here the modules the router,
// the default plugins and every command's base class need go into one chunk, `startup`; the rest
// keeps esbuild's chunks, so a command still loads only its own code. Nothing is tree-shaken or
// transformed again (esbuild did that): rollup only joins modules, and renames clashing top-level
// names. Source maps are chained, so they still point at the TypeScript.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { rollup } from 'rollup';

/**
 * Links the ES modules esbuild wrote in `from` into `to`, entry files at the same paths.
 * `entries` are the entry files relative to `from`; `main` is the CLI's entry (what it imports
 * up front stays out of `startup`, so that `llm --version` loads as little as before), and
 * `startupRoots` the entries whose static imports every command run loads. Each of `groups`
 * (`{ name, sources }`) is one more chunk: the modules holding those source files (paths from the
 * repository's root) and what they import, for files that always load together but not in every
 * run (the log's SQLite engines and file handling, used by a prompt and by `llm logs` alike).
 */
export async function relink({ root, from, to, entries, main, startupRoots, groups = [] }) {
  const abs = (file) => join(from, file);
  const entryFiles = new Set(entries.map(abs));
  let startup;
  const bundle = await rollup({
    input: Object.fromEntries(entries.map((file) => [file.replace(/\.js$/, ''), abs(file)])),
    external: (id) => !id.startsWith('.') && !isAbsolute(id),
    preserveEntrySignatures: 'strict',
    treeshake: false,
    plugins: [withSourceMaps(from)],
    onwarn(warning) {
      if (['CIRCULAR_DEPENDENCY', 'EVAL', 'THIS_IS_UNDEFINED'].includes(warning.code)) return;
      console.warn(`build (rollup): ${warning.message}`);
    },
  });
  await bundle.write({
    dir: to,
    format: 'es',
    sourcemap: true,
    hoistTransitiveImports: false,
    entryFileNames: '[name].js',
    // esbuild's chunk names end in a hash of their own; rollup adds one for the new content.
    chunkFileNames: (chunk) => `chunks/${chunk.name.replace(/-[A-Z0-9]{8}$/, '')}-[hash].js`,
    manualChunks(id, { getModuleInfo, getModuleIds }) {
      startup ??= startupModules({ getModuleInfo, getModuleIds }, abs(main), startupRoots.map(abs), entryFiles, groups.map((group) => ({ ...group, sources: group.sources.map((source) => join(root, source)) })));
      // What main imports up front gets a chunk of its own: left unassigned, rollup would move
      // it into `startup`, which imports it too.
      if (startup.modules.has(id)) return 'startup';
      if (startup.early.has(id)) return 'main';
      return startup.grouped.get(id);
    },
  });
  await bundle.close();
}

/**
 * `modules`: every module reached by a static import from main's dynamic imports (the router) or
 * from the startup roots, except entry files (their code stays in their own file, where
 * `import.meta.url` says what it said before) and `early`, what main itself imports. `grouped`:
 * each other module of a group's closure, with the group's name.
 */
function startupModules({ getModuleInfo, getModuleIds }, main, roots, entryFiles, groups) {
  const closure = (start) => {
    const seen = new Set();
    const visit = (id) => {
      if (seen.has(id)) return;
      seen.add(id);
      for (const next of getModuleInfo(id)?.importedIds ?? []) visit(next);
    };
    visit(start);
    return seen;
  };
  const isOurs = (id) => !entryFiles.has(id) && isAbsolute(id);
  const early = new Set([...closure(main)].filter(isOurs));
  const routerRoots = getModuleInfo(main)?.dynamicallyImportedIds ?? [];
  const modules = new Set();
  for (const root of [...routerRoots, ...roots]) for (const id of closure(root)) if (!early.has(id) && isOurs(id)) modules.add(id);
  const grouped = new Map();
  for (const { name, sources } of groups) {
    const wanted = new Set(sources);
    const holders = [...getModuleIds()].filter((id) => isOurs(id) && sourcesOf(id).some((source) => wanted.has(source)));
    for (const holder of holders) for (const id of closure(holder)) if (!modules.has(id) && !early.has(id) && !grouped.has(id) && isOurs(id)) grouped.set(id, name);
  }
  return { modules, early, grouped };
}

/** The source files (absolute paths) a file of esbuild's holds, from its source map. */
function sourcesOf(id) {
  try {
    return JSON.parse(readFileSync(`${id}.map`, 'utf8')).sources.map((source) => resolve(dirname(id), source));
  } catch {
    return [];
  }
}

/** Loads esbuild's files with their source maps, so that rollup's maps lead back to the sources. */
function withSourceMaps(dir) {
  return {
    name: 'esbuild-source-maps',
    load(id) {
      if (relative(dir, id).startsWith('..')) return null;
      const map = `${id}.map`;
      return { code: readFileSync(id, 'utf8'), map: existsSync(map) ? readFileSync(map, 'utf8') : null };
    },
  };
}
