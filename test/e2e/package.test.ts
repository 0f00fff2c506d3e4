import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeNpmRegistry } from '../helpers/fake-npm-registry.js';
import { FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Packs the built package, installs the tarball into a fresh prefix and runs that copy: a package
// that forgets to ship default-plugins/ (or dist/, or the manifest) fails here.

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' } });

describe('the npm package', () => {
  let dir: ReturnType<typeof tempDir>;
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    dir = tempDir('llm-pack-');
    // `npm test` has just built dist/; skip prepack's second build.
    const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir.path], repoRoot)) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = join(dir.path, packed!.filename);
    files = packed!.files.map((f) => f.path);
  });
  afterAll(() => dir.remove());

  it('ships the CLI, the bundle, the default plugins, manifest and license, and no sources or tests', () => {
    for (const file of ['bin/run.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/default-plugins/echo/index.js', 'default-plugins/echo/package.json', 'dist/default-plugins/openai/index.js', 'default-plugins/openai/package.json', 'dist/default-plugins/sqlite-logger/index.js', 'default-plugins/sqlite-logger/package.json', 'oclif.manifest.json', 'LICENSE', 'README.md', 'package.json']) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f.endsWith('.test.js'))).toEqual([]);
  });

  it('ships every bundled template', () => {
    const bundled = readdirSync(join(repoRoot, 'templates')).map((name) => `templates/${name}`);
    expect(bundled).toEqual(expect.arrayContaining(['templates/summarize.yaml', 'templates/explain-code.yaml', 'templates/commit-message.yaml']));
    expect(files.filter((f) => f.startsWith('templates/')).sort()).toEqual(bundled.sort());
  });

  it('installs into a fresh prefix, and that copy lists the default plugins’ models and runs them', async () => {
    const prefix = join(dir.path, 'prefix');
    // Offline: the dependencies resolve against a loopback registry of the versions package-lock.json pins.
    const registry = await new FakeNpmRegistry([]).mirrorLockfile(join(repoRoot, 'package-lock.json')).start();
    try {
      // Not execFileSync: the registry answers from this process.
      await promisify(execFile)('npm', ['install', '--prefix', prefix, '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', tarball], {
        cwd: dir.path,
        env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false', npm_config_registry: registry.url },
      });
    } finally {
      await registry.stop();
    }
    const bin = join(prefix, 'node_modules', 'llm-host', 'bin', 'run.js');
    expect(existsSync(join(prefix, 'node_modules', '.bin', 'llm'))).toBe(true);
    const user = join(dir.path, 'user');
    const models = await runCli(['models', 'list'], dir.path, { bin, env: { LLM_USER_PATH: user } });
    expect(models.stderr).toBe('');
    expect(models.stdout).toMatch(/^Echo: echo$/m);
    expect(models.stdout).toMatch(/^OpenAI Chat: gpt-4o-mini \(aliases: 4o-mini\)$/m);
    const prompt = await runCli(['-m', 'echo', 'from the installed copy'], dir.path, { bin, env: { LLM_USER_PATH: user } });
    expect(prompt.stdout).toContain('Prompt: from the installed copy');
    // Without the optional better-sqlite3 (and without node:sqlite on Node < 22.13), logging falls back to sql.js.
    const status = await runCli(['logs', 'status'], dir.path, { bin, env: { LLM_USER_PATH: user } });
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(/^SQLite engine:\t+(sql\.js|node:sqlite) /m);
    expect(status.stdout).toContain('Number of responses logged:\t1\n');
    const templated = await runCli(['-m', 'echo', '-t', 'translate', '-p', 'language', 'French', 'hello'], dir.path, { bin, env: { LLM_USER_PATH: user } });
    expect(templated).toMatchObject({ code: 0, stderr: '' });
    expect(templated.stdout).toMatch(/^System: Translate the text you are given into French\./m);
    // The installed copy's undici (a dependency, loaded at the first request) talks to the fake server.
    const server = await FakeOpenAIServer.start();
    try {
      const openai = await runCli(['-m', '4o-mini', 'from the installed copy'], dir.path, {
        bin,
        env: { LLM_USER_PATH: user, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseUrl },
      });
      expect(openai).toMatchObject({ code: 0, stdout: 'You said: from the installed copy\n', stderr: '' });
    } finally {
      await server.close();
    }
  }, 300_000);
});
