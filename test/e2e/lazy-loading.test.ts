import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Start-up speed is measured by `npm run bench`; this checks the cause deterministically: the
// fast commands never load the heavy modules.

const HEAVY = /\/node_modules\/(ink|react|react-dom|undici|sql\.js|better-sqlite3|ajv|yaml)\/|\.wasm$/;

async function loadedModules(args: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): Promise<string[]> {
  const dir = tempDir();
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir.path, name), content);
    const trace = join(dir.path, 'modules.txt');
    const result = await runCli(args, dir.path, {
      env: { NODE_OPTIONS: `--import=${join(repoRoot, 'test', 'helpers', 'trace-modules.mjs')}`, LLM_TRACE_MODULES: trace, ...env },
    });
    expect(result.code).toBe(0);
    return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  } finally {
    dir.remove();
  }
}

describe('lazy loading', () => {
  it.each([[['--version']], [['models', 'list']], [['models', '--json']], [['--help']]])('llm %j loads no heavy module', async (args) => {
    const modules = await loadedModules(args);
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  // On Node 20 every ES module file costs ~0.7 ms to load, however small: the build joins what
  // every run loads into one file (scripts/relink.mjs). These counts pin that: a build that splits
  // the start-up path into more files again fails here (measured: 14, 13, 18, 22).
  it.each([
    [['--help'], 16],
    [['models', 'list'], 15],
    [['logs', '-n', '3'], 20],
    [['-m', 'echo', 'hi'], 24],
  ])('llm %j loads few of the build\'s files (at most %d)', async (args, most) => {
    const root = pathToFileURL(repoRoot).href;
    const ours = [...new Set(await loadedModules(args))].filter((m) => (m.startsWith(`${root}/dist/`) || m.startsWith(`${root}/bin/`)) && m.endsWith('.js'));
    expect(ours.some((m) => /\/dist\/chunks\/startup-[^/]+\.js$/.test(m))).toBe(true);
    expect(ours.length).toBeLessThanOrEqual(most);
  });

  it('--version loads neither oclif nor the plugin host', async () => {
    const modules = await loadedModules(['--version']);
    const ours = modules.filter((m) => m.startsWith('file://') && m.includes('/dist/'));
    const bytes = ours.reduce((sum, m) => sum + statSync(new URL(m)).size, 0);
    // oclif alone is several hundred KB of the bundle; --version needs only a few KB.
    expect(bytes).toBeLessThan(20_000);
    expect(modules.filter((m) => /cosmiconfig|@oclif|tapable/.test(m))).toEqual([]);
  });

  it('a prompt loads no validator, HTTP client, UI or YAML; with -o it loads ajv to check the options', async () => {
    const modules = await loadedModules(['-m', 'echo', 'hi']);
    expect(modules.filter((m) => /\/node_modules\/(ajv|ink|react|undici|yaml)\//.test(m))).toEqual([]);
    const withOptions = await loadedModules(['-m', 'echo', '-o', 'uppercase', '1', 'hi']);
    expect(withOptions.some((m) => m.includes('/node_modules/ajv/'))).toBe(true);
  });

  it("a logged prompt requires better-sqlite3's JavaScript as the build's one file, not the package's dozen", async () => {
    const modules = await loadedModules(['-m', 'echo', 'hi']);
    const vendored = modules.filter((m) => m.includes('/dist/vendor/better-sqlite3-'));
    // Where the log is written with another engine (node:sqlite on Node 24, sql.js where npm left
    // better-sqlite3 out), better-sqlite3 loads not at all.
    if (!modules.some((m) => m.endsWith('/better_sqlite3.node'))) {
      expect(vendored).toEqual([]);
      return;
    }
    const version = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
    expect(vendored).toEqual([join(repoRoot, 'dist', 'vendor', `better-sqlite3-${version}.cjs`)]);
    expect(modules.filter((m) => m.includes('/node_modules/better-sqlite3/lib/'))).toEqual([]);
  });

  it('a prompt with a template loads YAML', async () => {
    const modules = await loadedModules(['-m', 'echo', '-t', 'summarize', 'hi']);
    expect(modules.some((m) => m.includes('/node_modules/yaml/'))).toBe(true);
  });

  it('a prompt to an OpenAI model talks node:http, not undici; listing models with extra-openai-models.yaml loads YAML but no HTTP client', async () => {
    const server = await FakeOpenAIServer.start();
    try {
      const prompt = await loadedModules(['-m', '4o-mini', 'hi'], { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseUrl });
      expect(server.requests).toHaveLength(1);
      expect(prompt).toContain('node:http');
      // A response outside a thread is logged without BLAKE2b (@noble/hashes hashes thread messages only).
      expect(prompt.filter((m) => /\/node_modules\/(undici|ajv|ink|react|yaml|@noble\/hashes)\/|\.wasm$/.test(m))).toEqual([]);
      const extra = { 'extra-openai-models.yaml': `- model_id: local\n  api_base: ${server.baseUrl}\n` };
      const list = await loadedModules(['models', 'list'], {}, extra);
      expect(list.some((m) => m.includes('/node_modules/yaml/'))).toBe(true);
      expect(list.filter((m) => /\/node_modules\/(undici|ajv)\//.test(m) || m === 'node:http')).toEqual([]);
    } finally {
      await server.close();
    }
  });

  // llm's own commands and its help run with a config made from the manifest
  // (src/cli/light-config.ts); oclif's Config module (its plugin loader, perf_hooks,
  // child_process) is loaded only where oclif would load a theme, which the light config does not
  // read. The bundle file that defines oclif's Config class is the one that holds the wrapper of
  // oclif's lib/config/config.js.
  it("llm's own commands and help never load oclif's Config; with a theme, help does", async () => {
    const configModule = (modules: string[]) =>
      modules.filter((m) => m.startsWith('file://') && m.includes('/dist/') && readFileSync(new URL(m), 'utf8').includes('"node_modules/@oclif/core/lib/config/config.js"('));
    for (const args of [['keys', 'path'], ['models', 'list'], ['-m', 'echo', 'hi'], ['logs', 'path'], ['--help'], ['models', '--help'], ['logs', '--help']]) {
      expect([args, configModule(await loadedModules(args))]).toEqual([args, []]);
    }
    const themed = tempDir();
    try {
      writeFileSync(join(themed.path, 'theme.json'), JSON.stringify({ bin: 'red' }));
      for (const args of [['--help'], ['logs', '--help']]) {
        expect([args, configModule(await loadedModules(args, { LLM_CONFIG_DIR: themed.path })).length]).toEqual([args, 1]);
      }
    } finally {
      themed.remove();
    }
  });

  // The plugin host starts loading before oclif's Config when the run will surely ask for it
  // (src/cli/start-early.ts); a built-in command that never asks for it must not pay for it.
  it('a built-in command that needs no plugins loads none; a prompt and a plugin command load them', async () => {
    const plugins = (modules: string[]) => modules.filter((m) => /\/dist\/default-plugins\/[^/]+\/index\.js$/.test(m));
    expect(plugins(await loadedModules(['keys', 'path']))).toEqual([]);
    expect(plugins(await loadedModules(['-m', 'echo', 'hi'])).length).toBeGreaterThanOrEqual(8);
    expect(plugins(await loadedModules(['logs', 'path'])).length).toBeGreaterThanOrEqual(8);
  });

  it("a plugin's load warning shows once where the host is used, and not at all when a mistyped flag ends the run first", async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'broken.mjs'), "throw new Error('this plugin is broken');\n");
      writeFileSync(join(dir.path, '.llmrc.json'), JSON.stringify({ plugins: ['./broken.mjs'] }));
      const prompt = await runCli(['-m', 'echo', 'hi'], dir.path, { cwd: dir.path });
      expect(prompt.code).toBe(0);
      expect(prompt.stderr.match(/^Warning: .*broken/gm)).toHaveLength(1);
      expect(prompt.stdout).toContain('hi');
      const mistyped = await runCli(['-m', 'echo', '--no-such-flag', 'hi'], dir.path, { cwd: dir.path });
      expect(mistyped.code).not.toBe(0);
      expect(mistyped.stderr).toMatch(/no-such-flag/);
      expect(mistyped.stderr).not.toMatch(/Warning/);
      const help = await runCli(['--help'], dir.path, { cwd: dir.path });
      expect(help.code).toBe(0);
      expect(help.stderr.match(/^Warning: .*broken/gm)).toHaveLength(1);
    } finally {
      dir.remove();
    }
  });
});
