import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, PluginConflictError, UnknownModelError } from '../../src/errors.js';
import { createLlm, type LlmOptions } from '../../src/host/llm.js';
import { isPathSpec, resolvePlugin } from '../../src/host/plugin-loader.js';
import { repoRoot } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'plugins');

describe('plugin host', () => {
  // jest's ESM linker fails ("request for './library.js' is not in cache") when two dynamic
  // imports link the same unloaded module graph at once, as the plugins loaded here do through
  // llm-host and llm-host/experiments; a real process has no such race. Load that graph first.
  beforeAll(async () => {
    await import('llm-host');
    await import('llm-host/experiments');
  });

  let dir: ReturnType<typeof tempDir>;
  let warnings: string[];
  beforeEach(() => {
    dir = tempDir();
    warnings = [];
  });
  afterEach(() => dir.remove());

  /** A host whose config file (in the user directory) lists `plugins`. */
  function hostWith(plugins: unknown[], extra: Partial<LlmOptions> = {}) {
    writeFileSync(join(dir.path, '.llmrc.json'), JSON.stringify({ plugins }));
    return createLlm({ userDir: dir.path, cwd: dir.path, env: {}, defaultPlugins: false, warn: (m) => warnings.push(m), ...extra });
  }

  it('loads plugins by path and by npm name, recording versions and the hooks they tap', async () => {
    const npmPackage = join(fixtures, 'node_modules', 'llm-npm-plugin');
    const llm = await hostWith([join(fixtures, 'good-plugin'), join(fixtures, 'function-plugin.mjs'), npmPackage]);
    expect(warnings).toEqual([]);
    expect(llm.plugins.map((p) => [p.name, p.version, p.kind, p.hooks])).toEqual([
      ['good', '1.2.3', 'config', ['registerModels', 'registerCommands']],
      ['function-plugin', undefined, 'config', ['registerMetrics']],
      ['llm-npm-plugin', '0.4.0', 'config', ['logResponse']],
    ]);
  });

  it('hands plugins the running host wherever they are: a .ts file, a folder with another copy of llm-host, a file importing llm', async () => {
    const { mkdirSync } = await import('node:fs');
    const { Model } = await import('../../src/models/model.js');
    const source = (name: string, from: string) =>
      `import { Model } from '${from}';\nclass M extends Model { id = '${name}'; async *execute() { yield '${name}'; } }\n` +
      `export default { name: '${name}', apply(hooks) { hooks.registerModels.tap('${name}', (register) => register(new M())); } };\n`;
    writeFileSync(join(dir.path, 'typed.ts'), source('typed', 'llm-host').replace('async *execute()', 'async *execute(): AsyncGenerator<string>'));
    // A folder whose node_modules has a copy of llm-host that is not the running one.
    const folder = join(dir.path, 'folder');
    mkdirSync(join(folder, 'node_modules', 'llm-host'), { recursive: true });
    writeFileSync(join(folder, 'node_modules', 'llm-host', 'package.json'), JSON.stringify({ name: 'llm-host', version: '9.9.9', type: 'module', exports: { '.': './index.js', './package.json': './package.json' } }));
    writeFileSync(join(folder, 'node_modules', 'llm-host', 'index.js'), 'export class Model { prompt() { throw new Error("the wrong copy"); } }\n');
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'folder-plugin', type: 'module', main: 'index.js' }));
    writeFileSync(join(folder, 'index.js'), source('folder', 'llm-host'));
    writeFileSync(join(dir.path, 'legacy.mjs'), source('legacy', 'llm'));
    const llm = await hostWith(['./typed.ts', './folder', './legacy.mjs']);
    expect(llm.plugins.map((p) => [p.name, p.failed])).toEqual([
      ['typed', undefined],
      ['folder', undefined],
      ['legacy', undefined],
    ]);
    for (const id of ['typed', 'folder', 'legacy']) {
      const model = await llm.getModel(id);
      expect(model).toBeInstanceOf(Model);
      expect(await model.prompt('x', { log: false }).text()).toBe(id);
    }
    expect(warnings).toEqual([
      `plugin legacy ${join(dir.path, 'legacy.mjs')} imports 'llm', the package's name before 0.2: import from 'llm-host' instead ('llm' stops working in 0.3)`,
    ]);
  });

  it('resolves npm names from node_modules above the config file', async () => {
    writeFileSync(join(fixtures, '.llmrc.json'), JSON.stringify({ plugins: ['llm-npm-plugin'] }));
    try {
      const llm = await createLlm({ userDir: dir.path, cwd: join(fixtures, 'good-plugin'), env: {}, defaultPlugins: false });
      expect(llm.plugins.map((p) => p.name)).toEqual(['llm-npm-plugin']);
    } finally {
      (await import('node:fs')).rmSync(join(fixtures, '.llmrc.json'));
    }
  });

  it('registers models with their aliases, attributed to the plugin', async () => {
    const llm = await hostWith([join(fixtures, 'good-plugin')]);
    const [entry] = await llm.getModels();
    expect(entry).toMatchObject({ plugin: 'good', aliases: ['gm', 'goodie'] });
    expect((await llm.getModel('goodie')).id).toBe('good-model');
    await expect(llm.getModel('good-modle')).rejects.toThrow(UnknownModelError);
    await expect(llm.getModel('good-modle')).rejects.toThrow("Unknown model 'good-modle'. Did you mean 'good-model'?");
  });

  it("puts the user's aliases first", async () => {
    const llm = await hostWith([join(fixtures, 'good-plugin')]);
    await llm.aliases.set('fav', 'good-model');
    expect((await llm.getModel('fav')).id).toBe('good-model');
  });

  it('fails on two plugins registering one model id, naming both', async () => {
    const llm = await hostWith([join(fixtures, 'good-plugin'), join(fixtures, 'duplicate-echo.mjs')]);
    const error = await llm.getModels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginConflictError);
    expect((error as Error).message).toMatch(/model id 'good-model' is registered by both plugin good and plugin parrot/);
  });

  it('skips a plugin that throws in apply, with a warning, and ignores its taps', async () => {
    const llm = await hostWith([join(fixtures, 'throws-in-apply.mjs'), join(fixtures, 'good-plugin')]);
    expect(warnings).toEqual(['plugin boom failed in apply: kaboom; continuing without it']);
    expect((await llm.getModels()).map((e) => e.model.id)).toEqual(['good-model']);
    expect(llm.plugins.find((p) => p.name === 'boom')?.failed).toBe('failed in apply: kaboom');
  });

  it('skips a plugin module that throws on import or is not a plugin', async () => {
    await hostWith([join(fixtures, 'throws-on-import.mjs'), join(fixtures, 'not-a-plugin.mjs')]);
    expect(warnings[0]).toBe('plugin throws-on-import failed in import: top-level failure; continuing without it');
    expect(warnings[1]).toMatch(/plugin not-a-plugin failed in import: .*not-a-plugin\.mjs is not an llm plugin: its default export must be \{ name, apply\(hooks, context\) \} or a function/);
  });

  it('reports an exception inside a hook as plugin <name> failed in <hook>', async () => {
    const llm = await hostWith([join(fixtures, 'throws-in-hook.mjs')]);
    await expect(llm.getModels()).rejects.toThrow('plugin fragile failed in registerModels: cannot read models.yaml');
  });

  it('narrows installed plugins with LLM_LOAD_PLUGINS (empty: none)', async () => {
    const plugins = [join(fixtures, 'good-plugin'), join(fixtures, 'node_modules', 'llm-npm-plugin')];
    writeFileSync(join(dir.path, '.llmrc.json'), JSON.stringify({ plugins }));
    const make = (selection: string) => createLlm({ userDir: dir.path, cwd: dir.path, env: { LLM_LOAD_PLUGINS: selection }, defaultPlugins: false });
    expect((await make('llm-npm-plugin')).plugins.map((p) => p.name)).toEqual(['llm-npm-plugin']);
    expect((await make('llm-good, llm-npm-plugin')).plugins.map((p) => p.name)).toEqual(['good', 'llm-npm-plugin']);
    expect((await make('')).plugins).toEqual([]);
  });

  it('rejects two plugins with the same name', async () => {
    await expect(hostWith([join(fixtures, 'good-plugin'), join(fixtures, 'good-plugin', 'index.js')])).rejects.toThrow(
      /two plugins are named 'good': .*good-plugin\/index\.js and .*good-plugin\/index\.js/,
    );
  });

  it('says which config file names a plugin path that does not exist', async () => {
    const error = await hostWith(['./missing-plugin.js']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `Plugin path ${join(dir.path, 'missing-plugin.js')} does not exist (listed in ${join(dir.path, '.llmrc.json')}). Fix the path or remove it.`,
    );
    await expect(hostWith(['llm-not-installed'])).rejects.toThrow(/Plugin package 'llm-not-installed' \(listed in .*\) is not installed/);
  });

  it('names a config file with a syntax error', async () => {
    writeFileSync(join(dir.path, '.llmrc.json'), '{ "plugins": [ }');
    const error = await createLlm({ userDir: dir.path, cwd: dir.path, env: {}, defaultPlugins: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`Config file ${join(dir.path, '.llmrc.json')} could not be read`);
    expect((error as Error).message).not.toContain('\n');
  });

  it('reads YAML config and merges the project config over the user one', async () => {
    const project = tempDir();
    try {
      writeFileSync(join(dir.path, '.llmrc.yaml'), `plugins:\n  - ${join(fixtures, 'good-plugin')}\n`);
      writeFileSync(join(project.path, 'package.json'), JSON.stringify({ name: 'x', llm: { plugins: [join(fixtures, 'function-plugin.mjs')], colour: 'red' } }));
      const llm = await createLlm({ userDir: dir.path, cwd: project.path, env: {}, defaultPlugins: false, warn: (m) => warnings.push(m) });
      expect(llm.plugins.map((p) => p.name)).toEqual(['good', 'function-plugin']);
      expect(warnings[0]).toMatch(/config file .*package\.json has an unknown key 'colour'/);
    } finally {
      project.remove();
    }
  });

  it('applies programmatic plugins and hands them a context', async () => {
    let context: unknown;
    const llm = await createLlm({
      userDir: dir.path,
      env: { X: '1' },
      defaultPlugins: false,
      loadInstalled: false,
      plugins: [(_hooks, ctx) => void (context = ctx)],
    });
    expect(llm.plugins.map((p) => [p.name, p.kind])).toEqual([['plugin-1', 'programmatic']]);
    expect(context).toMatchObject({ userDir: dir.path, env: { X: '1' }, options: {} });
  });
});

describe('plugin specs', () => {
  it('tells paths from npm package names', () => {
    expect(isPathSpec('./plugin.js')).toBe(true);
    expect(isPathSpec('/abs/plugin')).toBe(true);
    expect(isPathSpec('plugins/markov')).toBe(true);
    expect(isPathSpec('plugin.mjs')).toBe(true);
    expect(isPathSpec('llm-foo')).toBe(false);
    expect(isPathSpec('@scope/llm-foo')).toBe(false);
  });

  it('resolves a package folder through its exports', async () => {
    const resolved = await resolvePlugin({ kind: 'config', spec: './good-plugin', baseDir: fixtures });
    expect(resolved).toMatchObject({ entry: join(fixtures, 'good-plugin', 'index.js'), packageName: 'llm-good', version: '1.2.3' });
  });
});
