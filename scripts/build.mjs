// Build: tsc type-checks and writes declarations; esbuild writes the JavaScript as one bundle
// with code splitting, so the library entry, the CLI, its commands and the default plugins share
// one copy of every class and start fast (one file per entry instead of hundreds of modules).
// Then oclif.manifest.json is generated from the built commands, as `oclif manifest` does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { relink } from './relink.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// esbuild writes here; scripts/relink.mjs then links its files into dist/.
const esbuildOut = join(root, 'node_modules', '.cache', 'llm-build', 'esbuild');
rmSync(dist, { recursive: true, force: true });
rmSync(esbuildOut, { recursive: true, force: true });

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--emitDeclarationOnly'], {
  stdio: 'inherit',
});

/**
 * Dependencies on the start-up path are bundled, with their own dependencies. Every other direct
 * dependency stays external: it loads from node_modules only when a command imports it.
 */
const BUNDLED = new Set(['@oclif/core', 'tapable', 'ulid', 'fastest-levenshtein', 'cosmiconfig']);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const EXTERNAL = new Set(
  [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), 'typescript'].filter((name) => !BUNDLED.has(name)),
);
const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
const externalPackages = {
  name: 'external-packages',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => (EXTERNAL.has(packageName(args.path)) ? { path: args.path, external: true } : undefined));
  },
};

/**
 * oclif requires tinyglobby at start-up but uses it only to find command files when there is no
 * manifest; the build always writes one, so the bundle gets a stub that says so if ever called.
 * Only oclif's import is stubbed: `llm embed-multi --files` loads the real package when it runs.
 */
const stubGlob = {
  name: 'stub-tinyglobby',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^tinyglobby$/ }, (args) => (/[\\/]@oclif[\\/]/.test(args.importer) ? { path: 'tinyglobby', namespace: 'llm-stub' } : undefined));
    esbuild.onLoad({ filter: /^tinyglobby$/, namespace: 'llm-stub' }, () => ({
      contents:
        "export function glob() { throw new Error('llm: command discovery by glob is not in this build; oclif.manifest.json lists the commands'); }\n" +
        'export const globSync = glob;\n',
      loader: 'js',
    }));
  },
};

/**
 * oclif logs through `debug`, which costs ~10 ms to load at every start and prints only when
 * DEBUG is set: the bundle gets a stand-in that loads the real package only then.
 */
const lazyDebug = {
  name: 'lazy-debug',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^debug$/ }, (args) => (args.namespace === 'llm-stub' ? undefined : { path: 'debug', namespace: 'llm-stub' }));
    esbuild.onLoad({ filter: /^debug$/, namespace: 'llm-stub' }, () => ({
      contents: [
        'const silent = Object.assign(function () {}, { enabled: false, extend: () => silent, log() {}, destroy() {} });',
        "const realName = 'debug'; // not a literal require: the real package loads from node_modules",
        'module.exports = process.env.DEBUG ? require(realName) : Object.assign(() => silent, { enable() {}, disable: () => "", enabled: () => false });',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * Small edits to oclif's own files, each for start-up time; should oclif's code change so that an
 * edit no longer applies, the build says so and leaves that file as it is (only slower).
 * - config/plugin.js sorts a plugin's commands with localeCompare as it loads them. The first
 *   localeCompare in a process sets up ICU's collator: about 8 ms here, 5% of `llm models list`.
 *   That order is only oclif's internal list (llm's help sorts what it shows itself), so the
 *   bundle sorts by code point instead.
 * - command.js requires the whole Config module (its plugin loader, perf_hooks, child_process)
 *   only for its static `run()`, which llm never calls: llm runs a command with a config it made
 *   (src/cli/light-config.ts). `run()` imports it instead, so that the module is neither run nor
 *   even loaded with every command (a dynamic import is a chunk of its own).
 * - errors/index.js requires `handle` (and with it oclif's whole help renderer) for a function
 *   llm never calls (src/cli/report-error.ts prints errors), and flags.js the help renderer for
 *   oclif's --help flag, which llm's router answers itself: each imported when first called.
 * - string-width (v4, what oclif's help measures every word it wraps with) runs a large emoji
 *   regular expression over each string: a string of printable ASCII is as wide as it is long
 *   (no escape, control, combining, wide or emoji character can be in it), so it returns that at
 *   once (~5 ms of `llm --help`); any other string is measured as before.
 */
const OCLIF_EDITS = [
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id))',
    to: '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]command\.js$/,
    from: 'const config_1 = require("./config");',
    to: 'const config_1 = { load: () => import("./config").then((m) => m.default ?? m) };',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]command\.js$/,
    from: 'await config_1.Config.load(',
    to: 'await (await config_1.load()).Config.load(',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]flags\.js$/,
    from: 'const help_1 = require("./help");',
    to: 'const help_1 = { loadHelpClass: async (...args) => (await import("./help").then((m) => m.default ?? m)).loadHelpClass(...args) };',
  },
  {
    file: /[\\/]string-width[\\/]index\.js$/,
    from: "\tif (typeof string !== 'string' || string.length === 0) {\n\t\treturn 0;\n\t}\n",
    to: "\tif (typeof string !== 'string' || string.length === 0) {\n\t\treturn 0;\n\t}\n\tif (/^[\\x20-\\x7e]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n",
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]errors[\\/]index\.js$/,
    from: 'var handle_1 = require("./handle");',
    to: 'var handle_1 = { handle: async (...args) => (await import("./handle").then((m) => m.default ?? m)).handle(...args) };',
  },
];
const oclifEdits = {
  name: 'oclif-edits',
  setup(esbuild) {
    for (const edit of OCLIF_EDITS) {
      esbuild.onLoad({ filter: edit.file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(edit.from)) {
          console.warn(`build: oclif's ${relative(root, args.path)} no longer holds \`${edit.from}\`; left as it is (llm starts slower)`);
          return undefined;
        }
        return { contents: source.replace(edit.from, edit.to), loader: 'js' };
      });
    }
  },
};

/**
 * Node builtins as llm's own ES modules import them, cheaper at start-up:
 * - node:fs: an ES module that imports from it gets Node's ES facade of the module, which reads
 *   every export, and reading fs.ReadStream loads Node's whole streams implementation: ~3 ms of
 *   every start, for streams that a command like `llm keys path` never opens. The imports get
 *   fs's exports from `require` instead (the same functions): its functions and `constants`,
 *   not the lazily loaded exports (ReadStream, promises...) nor F_OK and the like (reading
 *   those warns on Node 24). Importing anything else from node:fs fails the build.
 * - node:crypto: loading it costs ~5 ms, and only some runs hash or draw random bytes (a prompt
 *   does; `llm models list`, `llm logs` and help do not). The functions llm imports load it on
 *   first call; importing any other export fails the build (add it to CRYPTO_FUNCTIONS).
 */
const { createRequire } = await import('node:module');
const nodeFs = createRequire(import.meta.url)('node:fs');
const PLAIN_FS_EXPORTS = Object.entries(Object.getOwnPropertyDescriptors(nodeFs))
  .filter(([name, descriptor]) => 'value' in descriptor && (typeof descriptor.value === 'function' || name === 'constants') && /^[A-Za-z_$][\w$]*$/.test(name))
  .map(([name]) => name);
const CRYPTO_FUNCTIONS = ['createHash', 'createHmac', 'randomBytes', 'randomFillSync', 'randomUUID', 'timingSafeEqual'];
const BUILTIN_SHIMS = {
  fs: [
    "const fs = require('node:fs');",
    'export default fs;',
    `export const { ${PLAIN_FS_EXPORTS.join(', ')} } = fs;`,
  ].join('\n'),
  crypto: [
    'let real;',
    "const load = () => (real ??= require('node:crypto'));",
    'export default new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });',
    ...CRYPTO_FUNCTIONS.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
  ].join('\n'),
};
const cheaperBuiltins = {
  name: 'cheaper-builtins',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(node:)?(fs|crypto)$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      // fs: llm's own modules; crypto: also the bundled ulid (which only reads it when no random source is given).
      const ours = !args.importer.includes('node_modules') || (name === 'crypto' && /[\\/]node_modules[\\/]ulid[\\/]/.test(args.importer));
      return args.kind === 'import-statement' && args.namespace === 'file' && ours ? { path: name, namespace: 'llm-builtin' } : undefined;
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'llm-builtin' }, (args) => ({ contents: BUILTIN_SHIMS[args.path], loader: 'js' }));
  },
};

/**
 * Packages oclif requires as it loads but uses only on some paths: minimatch (to filter plugins
 * by pattern), cli-spinners (a spinner), supports-color (when colouring a message) and ejs (help
 * texts with a template tag). Each is bundled as before but evaluated on first use: oclif gets a
 * stand-in whose every access loads the real module (together ~10 ms of every start). `__esModule`
 * is answered without loading, with the real module's value, for oclif's import helpers.
 */
const LAZY_FOR_OCLIF = { minimatch: true, 'cli-spinners': false, 'supports-color': false, ejs: false };
const lazyForOclif = {
  name: 'lazy-for-oclif',
  setup(esbuild) {
    const filter = new RegExp(`^(${Object.keys(LAZY_FOR_OCLIF).join('|')})$`);
    esbuild.onResolve({ filter }, (args) =>
      args.namespace === 'llm-lazy' || !/[\\/]@oclif[\\/]core[\\/]/.test(args.importer)
        ? undefined
        : { path: args.path, namespace: 'llm-lazy', pluginData: { resolveDir: args.resolveDir } },
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'llm-lazy' }, (args) => ({
      contents: [
        'let real;',
        `const load = () => (real ??= require(${JSON.stringify(args.path)}));`,
        `module.exports = new Proxy(function () {}, {`,
        `  get: (_, key) => (key === '__esModule' ? ${LAZY_FOR_OCLIF[args.path] ? 'true' : 'undefined'} : load()[key]),`,
        '  has: (_, key) => key in load(),',
        '  apply: (_, self, args) => load().apply(self, args),',
        '  ownKeys: () => Reflect.ownKeys(load()),',
        '  getOwnPropertyDescriptor: (_, key) => ({ ...Reflect.getOwnPropertyDescriptor(load(), key), configurable: true }),',
        '});',
      ].join('\n'),
      loader: 'js',
      resolveDir: args.pluginData.resolveDir,
    }));
  },
};

const files = (dir, extension = '.ts') =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, extension) : path.endsWith(extension) && !path.endsWith('.d.ts') ? [path] : [];
  });
const entryPoints = [
  'src/index.ts',
  'src/command.ts',
  'src/cli/main.ts',
  'src/cli/help.ts',
  ...files(join(root, 'src/commands')).map((path) => relative(root, path)),
  ...readdirSync(join(root, 'default-plugins')).map((name) => `default-plugins/${name}/index.ts`),
  // `llm-host/experiments`, what experiment files import.
  'default-plugins/experiments/library.ts',
];

const BANNER = [
  "import { createRequire as __llmCreateRequire } from 'node:module';",
  "import { fileURLToPath as __llmFileURLToPath } from 'node:url';",
  "import { dirname as __llmDirname } from 'node:path';",
  'const require = __llmCreateRequire(import.meta.url);',
  'const __filename = __llmFileURLToPath(import.meta.url);',
  'const __dirname = __llmDirname(__filename);',
];
await build({
  absWorkingDir: root,
  entryPoints,
  outdir: esbuildOut,
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  tsconfig: 'tsconfig.json',
  plugins: [stubGlob, lazyDebug, lazyForOclif, oclifEdits, cheaperBuiltins, externalPackages],
  logLevel: 'warning',
  // oclif is CommonJS: give bundled CommonJS code the require and __dirname it expects.
  banner: { js: BANNER.join('\n') },
});

// Only a few of the files use what the banner defines (the runtime chunk's __require, CommonJS
// code reading __dirname); in every other file its three imports and createRequire are start-up
// time for nothing (~150 files; a command loads 10 to 30 of them). There it is blanked, line for
// line, so that the source maps still match.
for (const file of files(esbuildOut, '.js')) {
  const source = readFileSync(file, 'utf8');
  if (!source.startsWith(BANNER.join('\n') + '\n')) continue;
  const body = source.slice(BANNER.join('\n').length);
  if (!/\brequire\b|__dirname|__filename/.test(body)) writeFileSync(file, '\n'.repeat(BANNER.length - 1) + body);
}

// Fewer files for every run to load: see scripts/relink.mjs.
const jsEntries = entryPoints.map((path) => path.replace(/\.ts$/, '.js'));
await relink({
  root,
  from: esbuildOut,
  to: dist,
  entries: jsEntries,
  main: 'src/cli/main.js',
  startupRoots: ['src/command.js', ...jsEntries.filter((path) => /^default-plugins\/[^/]+\/index\.js$/.test(path))],
  // The log's file handling and its native engines (not sql.js, a WebAssembly module loaded only
  // where they are missing): a logged prompt and `llm logs` load all of them.
  groups: [
    {
      name: 'sqlite',
      sources: ['log-file.ts', 'engines/node-sqlite.ts', 'engines/better-sqlite3.ts', 'engines/select.ts'].map((file) => `default-plugins/sqlite-logger/${file}`),
    },
  ],
});
rmSync(esbuildOut, { recursive: true, force: true });

// better-sqlite3's JavaScript as one file (its addon stays where npm built it): requiring the
// package's dozen files costs ~7 ms of every logged prompt and every `llm logs`, mostly in
// resolving them. Named for the version it came from, so the engine uses it only with that very
// package installed (default-plugins/sqlite-logger/engines/better-sqlite3.ts). Where npm left
// better-sqlite3 out (no C++ compiler), there is nothing to bundle and the engine is not used.
const betterSqlite3 = join(root, 'node_modules', 'better-sqlite3');
if (statSync(join(betterSqlite3, 'package.json'), { throwIfNoEntry: false })) {
  const { version } = JSON.parse(readFileSync(join(betterSqlite3, 'package.json'), 'utf8'));
  await build({
    absWorkingDir: root,
    entryPoints: [join(betterSqlite3, 'lib', 'index.js')],
    outfile: join(dist, 'vendor', `better-sqlite3-${version}.cjs`),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.18',
    external: ['bindings'],
    logLevel: 'warning',
  });
}

const { Plugin, settings } = await import('@oclif/core');
settings.enableAutoTranspile = false;
const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true, type: 'core' });
await plugin.load();
const manifest = plugin.manifest;
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

// The default plugins' command summaries, so that `llm --help` lists them without importing them.
const summariesDir = mkdtempSync(join(tmpdir(), 'llm-build-'));
try {
  const { writeCommandSummaries } = await import(pathToFileURL(join(dist, 'src', 'cli', 'help.js')).href);
  await writeCommandSummaries(summariesDir);
} finally {
  rmSync(summariesDir, { recursive: true, force: true });
}

// The example plugins in plugins/ compile against the public declarations just written.
const examples = readdirSync(join(root, 'plugins')).filter((name) => statSync(join(root, 'plugins', name, 'tsconfig.json'), { throwIfNoEntry: false }));
for (const name of examples) {
  rmSync(join(root, 'plugins', name, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'plugins', name, 'tsconfig.json')], { stdio: 'inherit' });
}
// The library examples in examples/ compile the same way, into examples/dist/ (`import ... from
// 'llm-host'` resolves to this package's own build at run time).
rmSync(join(root, 'examples', 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'examples', 'tsconfig.json')], { stdio: 'inherit' });
console.log(
  `built dist/ (${entryPoints.length} entry points), oclif.manifest.json (${Object.keys(manifest.commands).length} commands), example plugins (${examples.join(', ')}) and examples/dist/`,
);
