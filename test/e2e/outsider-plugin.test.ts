import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FakeNpmRegistry } from '../helpers/fake-npm-registry.js';
import { readmeSteps, type ReadmeStep } from '../helpers/readme.js';
import { cliEnv, collect, repoRoot, type CliResult } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// What an outsider does, with nothing from this repository but the packed tarball of llm-host:
// `npm install -g` it, then follow the README's plugin sections literally in folders outside the
// repository. npm talks to a registry on loopback that serves llm-host (the tarball) and the
// versions package-lock.json pins (their tarballs come from npm's cache, filled by `npm ci`), so
// `npm install --save-dev llm-host typescript @types/node` runs as written, offline.

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();

let work: ReturnType<typeof tempDir>;
let registry: FakeNpmRegistry;
let tarball: string;
let globalBin: string;

/** The environment of a shell in which the user installed llm globally. */
function shellEnv(user: string): NodeJS.ProcessEnv {
  return cliEnv(user, {
    PATH: `${globalBin}:${process.env.PATH}`,
    npm_config_registry: registry.url,
    npm_config_cache: npmCache,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  });
}

/** Runs shell commands as a user would type them (bash, stopping at the first failure). */
async function sh(script: string, cwd: string, user: string): Promise<CliResult> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: shellEnv(user), stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

/** Writes a README step's file under `dir`. */
function write(step: Extract<ReadmeStep, { kind: 'file' }>, dir: string): void {
  mkdirSync(dirname(join(dir, step.path)), { recursive: true });
  writeFileSync(join(dir, step.path), step.text);
}

beforeAll(async () => {
  work = tempDir('llm-outsider-');
  // `npm test` has just built dist/; skip prepack's second build.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work.path], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } }),
  ) as { filename: string }[];
  tarball = join(work.path, packed[0]!.filename);
  registry = await new FakeNpmRegistry([{ name: pkg.name, version: pkg.version, tarball }]).mirrorLockfile(join(repoRoot, 'package-lock.json')).start();
  const prefix = join(work.path, 'global');
  // As the README says: npm install -g ./llm-host-VERSION.tgz. (Without the optional native SQLite
  // binding, which compiles for minutes: logging uses sql.js or node:sqlite.)
  const user = join(work.path, 'user-install');
  const installed = await sh(`npm install -g --prefix ${JSON.stringify(prefix)} --omit=optional ${JSON.stringify(tarball)}`, work.path, user);
  expect(installed).toMatchObject({ code: 0 });
  globalBin = join(prefix, 'bin');
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  work?.remove();
});

describe('llm-host as an outsider gets it', () => {
  it(`packs as ${pkg.name}-${pkg.version}.tgz, and npm install -g of it gives a working llm, offline, with its default plugins`, async () => {
    expect(tarball.endsWith(`${pkg.name}-${pkg.version}.tgz`)).toBe(true);
    const user = join(work.path, 'user-global');
    const result = await sh('llm --version && llm -m echo "hi from a global install" && llm plugins --all', work.path, user);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^llm/${pkg.version.replaceAll('.', '\\.')} `));
    expect(result.stdout).toContain('Prompt: hi from a global install');
    for (const plugin of ['echo', 'openai', 'sqlite-logger', 'experiments', 'traces']) expect(result.stdout).toMatch(new RegExp(`^${plugin} ${pkg.version.replaceAll('.', '\\.')} \\(default\\)`, 'm'));
  }, 120_000);

  it("loads the README's first plugin from a config file in a folder with no node_modules, as .js and as .ts", async () => {
    const steps = readmeSteps('Plugins');
    const files = steps.filter((s): s is Extract<ReadmeStep, { kind: 'file' }> => s.kind === 'file');
    const commands = steps.filter((s) => s.kind === 'sh');
    expect(files.map((f) => f.path)).toEqual(['plugins/my-plugin.js', '.llmrc.yaml']);
    expect(commands).toHaveLength(1);
    const user = join(work.path, 'user-config');

    const project = join(work.path, 'project');
    for (const file of files) write(file, project);
    const result = await sh(commands[0]!.text, project, user);
    expect(result).toMatchObject({ code: 0, stdout: 'HELLO FROM A PLUGIN\n', stderr: '' });
    expect(existsSync(join(project, 'node_modules'))).toBe(false);

    // The same file as TypeScript.
    const typed = join(work.path, 'project-ts');
    write({ kind: 'file', path: 'plugins/my-plugin.ts', text: files[0]!.text.replace('async *execute(prompt) {', 'async *execute(prompt: Prompt) {').replace("import { Model } from 'llm-host';", "import { Model, type Prompt } from 'llm-host';") }, typed);
    write({ kind: 'file', path: '.llmrc.yaml', text: files[1]!.text.replace('my-plugin.js', 'my-plugin.ts') }, typed);
    expect(await sh(commands[0]!.text, typed, user)).toMatchObject({ code: 0, stdout: 'HELLO FROM A PLUGIN\n', stderr: '' });

    // Written for llm 0.1, importing 'llm': still loads, with one warning.
    const legacy = join(work.path, 'project-legacy');
    write({ kind: 'file', path: 'plugins/my-plugin.js', text: files[0]!.text.replace("from 'llm-host'", "from 'llm'") }, legacy);
    write(files[1]!, legacy);
    const old = await sh(commands[0]!.text, legacy, user);
    expect(old).toMatchObject({ code: 0, stdout: 'HELLO FROM A PLUGIN\n' });
    expect(old.stderr).toBe(
      `Warning: plugin my-plugin ${join(legacy, 'plugins', 'my-plugin.js')} imports 'llm', the package's name before 0.2: import from 'llm-host' instead ('llm' stops working in 0.3)\n`,
    );
  }, 120_000);

  it("builds the README's TypeScript plugin as written, and installs it --editable, as a tarball and by path", async () => {
    const user = join(work.path, 'user-author');
    const plugin = join(work.path, 'llm-shout');
    const outputs: CliResult[] = [];
    for (const step of readmeSteps('Write a plugin')) {
      if (step.kind === 'file') {
        write(step, plugin);
        continue;
      }
      // The first block makes the folder and enters it; the reader stays there for the rest.
      const result = await sh(step.text, existsSync(plugin) ? plugin : work.path, user);
      if (result.code !== 0) throw new Error(`README step failed (${result.code}):\n${step.text}\n${result.stdout}\n${result.stderr}`);
      outputs.push(result);
    }
    expect(outputs).toHaveLength(3);
    // The plugin has a copy of llm-host of its own (a devDependency) and still shares the running host's classes.
    expect(existsSync(join(plugin, 'node_modules', 'llm-host', 'package.json'))).toBe(true);
    const [, tryIt, packed] = outputs;
    expect(tryIt!.stdout).toContain('Installed llm-shout 1.0.0 (plugin shout; hooks: registerModels, registerCommands, editable)\n');
    expect(tryIt!.stdout).toContain('HELLO THERE!!!\nHELLO THERE!\nHELLO THERE!\n');
    expect(tryIt!.stderr).toBe('');
    expect(packed!.stdout).toContain('Installed llm-shout 1.0.0 (plugin shout; hooks: registerModels, registerCommands)\n');
    expect(packed!.stdout).toMatch(/PACKED AND INSTALLED!\n$/);
    expect(packed!.stderr).toBe('');

    const listed = await sh('llm plugins', plugin, user);
    expect(listed.stdout).toBe(`shout 1.0.0 (installed from tarball ${join(plugin, 'llm-shout-1.0.0.tgz')}) hooks: registerModels, registerCommands\n`);

    // By path: the folder, copied as npm would publish it.
    const byPath = await sh('llm plugins uninstall -y llm-shout && llm plugins install . && llm shout say "by path" && llm plugins', plugin, user);
    expect(byPath).toMatchObject({ code: 0, stderr: '' });
    expect(byPath.stdout).toBe(
      `Uninstalled llm-shout\nInstalled llm-shout 1.0.0 (plugin shout; hooks: registerModels, registerCommands)\nBY PATH!\nshout 1.0.0 (installed from folder ${plugin}) hooks: registerModels, registerCommands\n`,
    );
  }, 600_000);
});
