import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FakeNpmRegistry } from '../helpers/fake-npm-registry.js';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Offline: npm is pointed at a closed port (or a local fake registry), so any attempt to reach the
// real registry fails the test instead of silently using the network.
const OFFLINE = { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' };

let work: ReturnType<typeof tempDir>;
let tarball: string;
let user: string;

beforeAll(() => {
  work = tempDir('llm-plugins-');
  // The root build compiled plugins/markov; pack it as its author would publish it.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work.path], {
    cwd: join(repoRoot, 'plugins', 'markov'),
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  tarball = join(work.path, (JSON.parse(out) as { filename: string }[])[0]!.filename);
});
afterAll(() => work.remove());

beforeEach(() => {
  user = join(work.path, `user-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(user);
});

/** Source of a plugin with one model that runs `body`. */
const MODEL_PLUGIN = (name: string, id: string, body: string) => `import { Model } from 'llm-host';
class M extends Model {
  id = ${JSON.stringify(id)};
  async *execute() { ${body} }
}
export default { name: ${JSON.stringify(name)}, apply(hooks) { hooks.registerModels.tap(${JSON.stringify(name)}, (register) => register(new M())); } };
`;

const env = (extra: Record<string, string> = {}) => ({ ...OFFLINE, npm_config_cache: join(work.path, 'npm-cache'), ...extra });
const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, user, { env: env(extra) });

/** A fingerprint of plugins/: manifest, lockfile and what is in node_modules. */
function fingerprint(): string {
  const dir = join(user, 'plugins');
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(existsSync(join(dir, file)) ? readFileSync(join(dir, file)) : '-');
  const modules = join(dir, 'node_modules');
  for (const name of existsSync(modules) ? readdirSync(modules).sort() : []) {
    const path = join(modules, name);
    hash.update(name + (statSync(path).isDirectory() ? readdirSync(path).sort().join(',') : '') + (name === 'llm-host' ? readlinkSync(path) : ''));
  }
  return hash.digest('hex');
}

/** A local package folder with an index.js that imports llm-host, as an author's would (with no node_modules of its own). */
function localPackage(name: string, source: string): string {
  const packages = join(work.path, 'packages');
  const dir = join(packages, `${name}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js', peerDependencies: { 'llm-host': '*' } }));
  writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

describe('llm plugins install / uninstall', () => {
  it('installs the example plugin from its tarball; its model and command work; uninstall removes it', async () => {
    const install = await run(['plugins', 'install', tarball]);
    expect(install.stderr).toBe('');
    expect(install.stdout).toBe('Installed llm-markov 0.1.0 (plugin markov; hooks: registerModels, registerCommands)\n');

    const generated = await run(['-m', 'markov', '-o', 'length', '6', '-o', 'seed', '1', 'the cat sat on the mat']);
    expect(generated.code).toBe(0);
    expect(generated.stdout.trim().split(' ')).toHaveLength(6);
    expect(generated.stdout.trim().split(' ').every((w) => ['the', 'cat', 'sat', 'on', 'mat'].includes(w))).toBe(true);
    expect((await run(['-m', 'chain', '-o', 'length', '6', '-o', 'seed', '1', 'the cat sat on the mat'])).stdout).toBe(generated.stdout);

    const stats = await run(['markov', 'stats', 'the cat sat on the mat', '--json']);
    const learned = JSON.parse(stats.stdout) as { words: number; distinct: number; top: { word: string; followers: string[] }[] };
    expect(learned).toMatchObject({ words: 6, distinct: 5 });
    expect(learned.top[0]).toEqual({ word: 'the', followers: ['cat', 'mat'] });
    expect((await run(['markov', 'stats', '--help'])).stdout).toContain('$ llm markov stats [TEXT]');
    expect((await run(['--help'])).stdout).toMatch(/\n {2}markov stats +Show the word chain/);

    expect((await run(['plugins'])).stdout).toBe(`markov 0.1.0 (installed from tarball ${tarball}) hooks: registerModels, registerCommands\n`);
    const listed = JSON.parse((await run(['plugins', '--json'])).stdout) as { packageName: string; version: string }[];
    expect(listed).toMatchObject([{ packageName: 'llm-markov', version: '0.1.0', source: { type: 'tarball', location: tarball } }]);

    const uninstall = await run(['uninstall', '-y', 'llm-markov']);
    expect(uninstall).toMatchObject({ code: 0, stdout: 'Uninstalled llm-markov\n' });
    expect((await run(['plugins'])).stdout).toMatch(/No plugins installed/);
    expect((await run(['-m', 'markov', 'x'])).stderr).toMatch(/Unknown model 'markov'/);
    expect((await run(['--help'])).stdout).not.toContain('markov stats');
  });

  it('installs a package by name from the registry, a given version, and --upgrade to the latest', async () => {
    // Publish 0.1.0 (the example as built) and a 0.2.0 of it to a registry on loopback.
    const next = join(work.path, 'markov-0.2.0');
    execFileSync('cp', ['-r', join(repoRoot, 'plugins', 'markov'), next]);
    const pkg = JSON.parse(readFileSync(join(next, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(next, 'package.json'), JSON.stringify({ ...pkg, version: '0.2.0' }));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', next], { cwd: next, encoding: 'utf8' })) as { filename: string }[];
    const registry = await new FakeNpmRegistry([
      { name: 'llm-markov', version: '0.1.0', tarball },
      { name: 'llm-markov', version: '0.2.0', tarball: join(next, packed[0]!.filename) },
    ]).start();
    try {
      const viaRegistry = { npm_config_registry: registry.url };
      expect((await run(['install', 'llm-markov@0.1.0'], viaRegistry)).stdout).toBe('Installed llm-markov 0.1.0 (plugin markov; hooks: registerModels, registerCommands)\n');
      expect((await run(['install', '--upgrade', 'llm-markov'], viaRegistry)).stdout).toBe('Installed llm-markov 0.2.0 (plugin markov; hooks: registerModels, registerCommands)\n');
      expect(JSON.parse(readFileSync(join(user, 'plugins', 'package.json'), 'utf8')).dependencies).toEqual({ 'llm-markov': '^0.2.0' });
      expect(registry.requests).toContain('llm-markov/-/llm-markov-0.2.0.tgz');
      expect((await run(['-m', 'markov', '-o', 'length', '3', 'a b c'])).code).toBe(0);
    } finally {
      await registry.stop();
    }
  });

  it('uninstalls by plugin name and asks for confirmation unless -y', async () => {
    await run(['install', tarball]);
    const unconfirmed = await run(['plugins', 'uninstall', 'markov']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/pass -y to uninstall without asking/);
    expect((await run(['plugins', 'uninstall', '-y', 'markov'])).stdout).toBe('Uninstalled llm-markov\n');
  });

  it('installs a local folder as a copy, and --editable loads a folder in place', async () => {
    const folder = localPackage('llm-local', MODEL_PLUGIN('local', 'local-model', "yield 'v1';"));
    expect((await run(['plugins', 'install', folder])).code).toBe(0);
    expect(statSync(join(user, 'plugins', 'node_modules', 'llm-local')).isDirectory()).toBe(true);
    expect((await run(['uninstall', '-y', 'llm-local'])).code).toBe(0);

    const editable = await run(['plugins', 'install', '--editable', folder]);
    expect(editable.stdout).toBe('Installed llm-local 1.0.0 (plugin local; hooks: registerModels, editable)\n');
    expect((await run(['-m', 'local-model', 'x'])).stdout).toBe('v1\n');
    writeFileSync(join(folder, 'index.js'), readFileSync(join(folder, 'index.js'), 'utf8').replace("'v1'", "'v2'"));
    expect((await run(['-m', 'local-model', 'x'])).stdout).toBe('v2\n');
    expect((await run(['uninstall', '-y', 'llm-local'])).code).toBe(0);
    expect((await run(['plugins'])).stdout).toMatch(/No plugins installed/);
  });

  it('refuses a package that is not a plugin, such as left-pad from the registry, and leaves a fresh user directory as it was', async () => {
    // left-pad 1.3.0: CommonJS, its export is a function that pads strings (so it taps no hook).
    const leftPad = join(work.path, 'left-pad');
    mkdirSync(leftPad, { recursive: true });
    writeFileSync(join(leftPad, 'package.json'), JSON.stringify({ name: 'left-pad', version: '1.3.0', main: 'index.js' }));
    writeFileSync(join(leftPad, 'index.js'), "module.exports = function leftPad(str, len, ch) { str = String(str); while (str.length < len) str = (ch || ' ') + str; return str; };\n");
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', leftPad], { cwd: leftPad, encoding: 'utf8' })) as { filename: string }[];
    const registry = await new FakeNpmRegistry([{ name: 'left-pad', version: '1.3.0', tarball: join(leftPad, packed[0]!.filename) }]).start();
    try {
      const fresh = join(work.path, `fresh-${Date.now()}`);
      const result = await runCli(['plugins', 'install', 'left-pad'], work.path, { env: env({ npm_config_registry: registry.url, LLM_USER_PATH: fresh }) });
      expect(result).toMatchObject({
        code: 1,
        stderr:
          "Error: left-pad is not an llm plugin: applying its default export tapped no hook (a plugin registers models, commands or other things through the hooks it is given; see 'Write a plugin' in llm's README). Nothing was changed.\n",
      });
      expect(registry.requests).toContain('left-pad/-/left-pad-1.3.0.tgz');
      expect(existsSync(fresh)).toBe(false);
    } finally {
      await registry.stop();
    }
  });

  it('refuses a file that is not a package tarball before npm runs, creating nothing', async () => {
    const fresh = join(work.path, `fresh-${Date.now()}`);
    const result = await runCli(['plugins', 'install', '../../../../../../../../etc/passwd'], work.path, { env: env({ LLM_USER_PATH: fresh }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "Error: Cannot install ../../../../../../../../etc/passwd: a file to install must be a package tarball (.tgz) made by 'npm pack'; give a .tgz, a folder or an npm package name.\n",
    );
    expect(existsSync(fresh)).toBe(false);
    // An existing but empty user directory stays empty.
    const before = readdirSync(user);
    expect((await run(['plugins', 'install', '/etc/passwd'])).code).toBe(1);
    expect(readdirSync(user)).toEqual(before);
  });

  it('--upgrade installs a plugin again from where it came from: its tarball, its folder or its git repository, without the registry', async () => {
    const folder = localPackage('llm-upgradable', MODEL_PLUGIN('upgradable', 'up-model', "yield 'v1';"));
    const bump = (version: string, reply: string) => {
      writeFileSync(join(folder, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')), version }));
      writeFileSync(join(folder, 'index.js'), MODEL_PLUGIN('upgradable', 'up-model', `yield '${reply}';`));
    };
    // A folder (copied at install).
    expect((await run(['plugins', 'install', folder])).code).toBe(0);
    bump('1.1.0', 'v2');
    expect((await run(['-m', 'up-model', 'x'])).stdout).toBe('v1\n');
    expect((await run(['plugins', 'install', '--upgrade', 'llm-upgradable'])).stdout).toBe('Installed llm-upgradable 1.1.0 (plugin upgradable; hooks: registerModels)\n');
    expect((await run(['-m', 'up-model', 'x'])).stdout).toBe('v2\n');
    expect((await run(['plugins'])).stdout).toBe(`upgradable 1.1.0 (installed from folder ${folder}) hooks: registerModels\n`);
    expect((await run(['uninstall', '-y', 'llm-upgradable'])).code).toBe(0);

    // A tarball, re-packed at the same path.
    const pack = () => join(folder, (JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', folder], { cwd: folder, encoding: 'utf8' })) as { filename: string }[])[0]!.filename);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')), version: '2.0.0' }));
    const packed = pack();
    expect((await run(['plugins', 'install', packed])).code).toBe(0);
    writeFileSync(join(folder, 'index.js'), MODEL_PLUGIN('upgradable', 'up-model', "yield 'v3';"));
    expect(pack()).toBe(packed);
    expect((await run(['plugins', 'install', '--upgrade', 'llm-upgradable'])).code).toBe(0);
    expect((await run(['-m', 'up-model', 'x'])).stdout).toBe('v3\n');
    expect((await run(['plugins'])).stdout).toBe(`upgradable 2.0.0 (installed from tarball ${packed}) hooks: registerModels\n`);
    expect((await run(['uninstall', '-y', 'llm-upgradable'])).code).toBe(0);

    // A git repository.
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: folder, encoding: 'utf8' });
    writeFileSync(join(folder, '.gitignore'), '*.tgz\n');
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'v3');
    const url = `git+file://${folder}`;
    expect((await run(['plugins', 'install', url])).code).toBe(0);
    writeFileSync(join(folder, 'index.js'), MODEL_PLUGIN('upgradable', 'up-model', "yield 'v4';"));
    git('commit', '-qam', 'v4');
    expect((await run(['plugins', 'install', '--upgrade', 'llm-upgradable'])).code).toBe(0);
    expect((await run(['-m', 'up-model', 'x'])).stdout).toBe('v4\n');
    expect((await run(['plugins'])).stdout).toMatch(new RegExp(`^upgradable 2\\.0\\.0 \\(installed from git .*${folder.replaceAll('/', '\\/')}.*\\) hooks: registerModels\n$`));
  }, 120_000);

  describe('bad input leaves plugins/ exactly as it was', () => {
    beforeEach(async () => {
      expect((await run(['install', tarball])).code).toBe(0);
    });

    it.each([
      ['a package that is not a plugin', 'llm-not-plugin', 'export default 42;\n', /llm-not-plugin is not a working llm plugin: it failed in import: .* is not an llm plugin: its default export must be \{ name, apply\(hooks, context\) \}/],
      ['a plugin that throws while loading', 'llm-throws', "throw new Error('missing API_TOKEN');\n", /llm-throws is not a working llm plugin: it failed in import: missing API_TOKEN/],
      ['a plugin that throws in apply', 'llm-apply-throws', "export default { name: 'x', apply() { throw new Error('bad setup'); } };\n", /it failed in apply: bad setup/],
      ['a plugin registering a model id another plugin has', 'llm-markov-twin', MODEL_PLUGIN('twin', 'markov', ''), /model id 'markov' is registered by both plugin markov and plugin twin/],
    ])('%s', async (_what, name, source, message) => {
      const before = fingerprint();
      const result = await run(['plugins', 'install', localPackage(name, source)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/Nothing was changed\.\n$/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(fingerprint()).toBe(before);
      expect(existsSync(join(user, 'plugins.staging'))).toBe(false);
      expect((await run(['-m', 'markov', '-o', 'seed', '1', 'still here'])).code).toBe(0);
    });

    it('npm cannot reach the registry', async () => {
      const before = fingerprint();
      const result = await run(['install', 'llm-some-package']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('Error: npm could not reach the registry http://127.0.0.1:9/ to install llm-some-package: check your network connection or proxy settings. Nothing was changed.\n');
      expect(fingerprint()).toBe(before);
    });

    it('an unknown package', async () => {
      const registry: Server = createServer((_request, response) => {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      });
      await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
        const before = fingerprint();
        const result = await run(['install', 'llm-no-such-plugin'], { npm_config_registry: url });
        expect(result.code).toBe(1);
        expect(result.stderr).toBe(`Error: llm-no-such-plugin was not found on the npm registry ${url}: check the package name. Nothing was changed.\n`);
        expect(fingerprint()).toBe(before);
      } finally {
        registry.close();
      }
    });

    it('uninstalling something not installed', async () => {
      const before = fingerprint();
      const result = await run(['uninstall', '-y', 'llm-nope']);
      expect(result).toMatchObject({ code: 1, stderr: 'Error: llm-nope is not installed. Installed plugins: llm-markov.\n' });
      expect(fingerprint()).toBe(before);
    });

    it('a path that does not exist', async () => {
      const result = await run(['install', join(work.path, 'missing-folder')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: Cannot install .*missing-folder: no such file or folder/);
    });
  });
});
