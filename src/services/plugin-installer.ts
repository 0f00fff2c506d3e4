import { cp, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LlmError, messageOf } from '../errors.js';
import { ensurePluginsManifest, linkHost, pluginsDir, readPluginsManifest, writeEditablePlugins } from '../host/installed-plugins.js';
import { createLlm, type Llm } from '../host/llm.js';
import { installedFrom } from '../host/plugin-source.js';
import { runNpm } from './npm.js';

/** How to install. */
export interface InstallOptions {
  /** Upgrade registry packages to their latest version. */
  readonly upgrade?: boolean;
  /** Load these local folders in place instead of copying them (plugin development). */
  readonly editable?: readonly string[];
}

/** Where the installer works and how it runs npm. */
export interface InstallerContext {
  readonly userDir: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ids of built-in commands, which a plugin may not register. */
  readonly builtinIds: ReadonlySet<string>;
  readonly warn: (message: string) => void;
}

/** A plugin installed by `install()`. */
export interface InstalledPlugin {
  readonly packageName: string;
  readonly version: string | undefined;
  readonly pluginName: string;
  readonly hooks: readonly string[];
  readonly editable: boolean;
}

const NPM_FLAGS = ['--save', '--no-audit', '--no-fund', '--legacy-peer-deps', '--loglevel=error'];

/**
 * Installs and uninstalls plugins in the user directory's plugins/ folder. Every change is made
 * on a staging copy of the folder, checked by loading the plugins exactly as llm will, and only
 * then swapped in: a package that is not a plugin, throws while loading, or clashes with another
 * plugin leaves plugins/ untouched, as does npm failing (unknown package, registry unreachable) or
 * the process being killed half-way.
 */
export class PluginInstaller {
  private readonly live: string;
  private readonly staging: string;
  private readonly previous: string;

  constructor(private readonly context: InstallerContext) {
    this.live = pluginsDir(context.userDir);
    this.staging = join(dirname(this.live), 'plugins.staging');
    this.previous = join(dirname(this.live), 'plugins.previous');
  }

  /**
   * Installs npm specs (`llm-foo`, `llm-foo@1.2`), local folders, `.tgz` files and git URLs;
   * `editable` folders are loaded in place. With `upgrade`, an installed plugin named by its package
   * name is installed again from where it came from: the newest version from the registry, or its
   * folder, tarball or git URL as they are now.
   */
  async install(specs: readonly string[], options: InstallOptions = {}): Promise<InstalledPlugin[]> {
    // A CommonJS package whose export is the function itself: `default`, bundled or not.
    const npa = (await import('npm-package-arg')).default;
    const targets = specs.map((spec) => npa(spec, this.context.cwd));
    for (const target of targets) {
      if (target.type !== 'directory' && target.type !== 'file') continue;
      const info = await stat(target.fetchSpec!).catch(() => undefined);
      if (!info) throw new LlmError(`Cannot install ${target.raw}: no such file or folder (${target.fetchSpec}).`);
      if (info.isFile() && !/\.(?:tgz|tar\.gz|tar)$/.test(target.fetchSpec!)) {
        throw new LlmError(`Cannot install ${target.raw}: a file to install must be a package tarball (.tgz) made by 'npm pack'; give a .tgz, a folder or an npm package name.`);
      }
      if (info.isDirectory() && !(await exists(join(target.fetchSpec!, 'package.json')))) {
        throw new LlmError(`Cannot install ${target.raw}: the folder ${target.fetchSpec} has no package.json; a plugin is an npm package (see 'Write a plugin' in llm's README).`);
      }
    }
    const editable = await Promise.all((options.editable ?? []).map((path) => this.editableEntry(resolve(this.context.cwd, path))));
    const manifest = await readPluginsManifest(this.live);
    const npmSpecs: string[] = [];
    const reinstall: string[] = [];
    for (const t of targets) {
      if (t.type === 'directory' || t.type === 'file') {
        npmSpecs.push(t.fetchSpec!);
        continue;
      }
      // A bare name parses as the range `*`; npm would then keep an installed version that fits.
      const unversioned = (t.type === 'range' && t.fetchSpec === '*') || (t.type === 'tag' && t.fetchSpec === 'latest');
      const from = options.upgrade && unversioned && t.name ? await installedFrom(t.name, manifest, this.live) : undefined;
      if (from?.type === 'editable') {
        this.context.warn(`${t.name} is installed --editable: it is loaded from ${from.location} as it is, so there is nothing to upgrade.`);
      } else if (from && from.type !== 'registry') {
        // From a folder, tarball or git URL: npm would keep what it has, so remove it and install it again.
        reinstall.push(t.name!);
        npmSpecs.push(`${t.name}@${from.spec}`);
      } else {
        npmSpecs.push(options.upgrade && t.registry && unversioned ? `${t.name}@latest` : t.raw);
      }
    }
    const what = [...specs, ...(options.editable ?? [])].join(', ');

    return this.change(async (dir) => {
      const before = (await readPluginsManifest(dir)).dependencies;
      if (reinstall.length > 0) await runNpm(['uninstall', ...NPM_FLAGS, ...reinstall], { cwd: dir, env: this.context.env, what });
      // --install-links copies local folders like a published package (npm would link them).
      if (npmSpecs.length > 0) await runNpm(['install', ...NPM_FLAGS, '--install-links', ...npmSpecs], { cwd: dir, env: this.context.env, what });
      if (editable.length > 0) {
        const { editablePlugins } = await readPluginsManifest(dir);
        await writeEditablePlugins(dir, { ...editablePlugins, ...Object.fromEntries(editable) });
      }
      const after = (await readPluginsManifest(dir)).dependencies;
      const changed = Object.keys(after).filter((name) => before[name] !== after[name] || reinstall.includes(name));
      const named = targets.map((t) => t.name).filter((name): name is string => Boolean(name && after[name]));
      const folders = await Promise.all(targets.filter((t) => t.type === 'directory').map((t) => packageNameIn(t.fetchSpec!)));
      const names = [...new Set([...changed, ...named, ...folders.filter((n): n is string => Boolean(n && after[n]))])];
      return this.verify(dir, [...names.map((name) => ({ name, editable: false })), ...editable.map(([name]) => ({ name, editable: true }))]);
    });
  }

  /** Uninstalls installed plugins by package name (or plugin name). */
  async uninstall(names: readonly string[]): Promise<string[]> {
    const packages = await this.packagesFor(names);
    return this.change(async (dir) => {
      const { dependencies, editablePlugins } = await readPluginsManifest(dir);
      const npmPackages = packages.filter((name) => Object.hasOwn(dependencies, name));
      if (npmPackages.length > 0) {
        await runNpm(['uninstall', ...NPM_FLAGS, ...npmPackages], { cwd: dir, env: this.context.env, what: npmPackages.join(', ') });
      }
      const remaining = Object.fromEntries(Object.entries(editablePlugins).filter(([name]) => !packages.includes(name)));
      if (Object.keys(remaining).length !== Object.keys(editablePlugins).length) await writeEditablePlugins(dir, remaining);
      return packages;
    });
  }

  /** The installed packages that `names` (package or plugin names) refer to; an unknown name is an error. */
  async packagesFor(names: readonly string[]): Promise<string[]> {
    const { dependencies, editablePlugins } = await readPluginsManifest(this.live);
    const installed = [...Object.keys(dependencies), ...Object.keys(editablePlugins)];
    let byPluginName: Map<string, string> | undefined;
    const result: string[] = [];
    for (const name of names) {
      if (installed.includes(name)) {
        result.push(name);
        continue;
      }
      if (!byPluginName) {
        const llm = await this.host(this.live);
        byPluginName = new Map(llm.plugins.filter((p) => p.kind === 'installed' && p.packageName).map((p) => [p.name, p.packageName!]));
      }
      const pkg = byPluginName.get(name);
      if (!pkg) throw new LlmError(`${name} is not installed. ${installed.length > 0 ? `Installed plugins: ${installed.join(', ')}.` : 'No plugins are installed.'}`);
      result.push(pkg);
    }
    return result;
  }

  /**
   * Loads the plugins in `dir` as llm will and checks that the new ones are plugins (they tap at
   * least one hook), work, and clash with nothing.
   */
  private async verify(dir: string, wanted: readonly { name: string; editable: boolean }[]): Promise<InstalledPlugin[]> {
    const llm = await this.host(dir);
    const result: InstalledPlugin[] = [];
    for (const { name, editable } of wanted) {
      const plugin = llm.plugins.find((p) => p.kind === 'installed' && p.packageName === name);
      if (!plugin) throw new LlmError(`${name} did not load as an llm plugin`);
      if (plugin.failed) throw new LlmError(`${name} is not a working llm plugin: it ${plugin.failed}`);
      if (plugin.hooks.length === 0) {
        throw new LlmError(
          `${name} is not an llm plugin: applying its default export tapped no hook (a plugin registers models, commands or other things through the hooks it is given; see 'Write a plugin' in llm's README)`,
        );
      }
      result.push({ packageName: name, version: plugin.version, pluginName: plugin.name, hooks: plugin.hooks, editable });
    }
    await llm.getModels();
    llm.commands(this.context.builtinIds);
    llm.metrics();
    return result;
  }

  private host(dir: string): Promise<Llm> {
    const env = { ...this.context.env };
    delete env.LLM_LOAD_PLUGINS;
    return createLlm({ userDir: this.context.userDir, cwd: this.context.cwd, env, pluginsDir: dir, warn: () => {} });
  }

  /** An editable folder's package name and path. */
  private async editableEntry(path: string): Promise<[string, string]> {
    if (!(await exists(join(path, 'package.json')))) throw new LlmError(`Cannot install ${path} as editable: it is not a folder with a package.json.`);
    return [(await packageNameIn(path)) ?? basename(path), path];
  }

  /**
   * Runs one change on a staging copy of plugins/ and swaps it in if the change succeeds. On any
   * failure the staging copy is dropped and plugins/ is as it was, byte for byte: on a fresh user
   * directory, nothing is created (not even plugins/package.json).
   */
  private async change<T>(work: (dir: string) => Promise<T>): Promise<T> {
    const userDir = dirname(this.live);
    const createdUserDir = !(await exists(userDir));
    await mkdir(userDir, { recursive: true });
    await this.recover();
    const release = await this.lock();
    let failed = false;
    try {
      await rm(this.staging, { recursive: true, force: true });
      const hadLive = await exists(this.live);
      if (hadLive) await cp(this.live, this.staging, { recursive: true, verbatimSymlinks: true });
      await ensurePluginsManifest(this.staging);
      let result: T;
      try {
        result = await work(this.staging);
        await linkHost(this.staging);
      } catch (error) {
        failed = true;
        await rm(this.staging, { recursive: true, force: true });
        const message = messageOf(error).replaceAll(this.staging, this.live).replace(/\.$/, '');
        throw new LlmError(`${message}. Nothing was changed.`, { cause: error });
      }
      await rm(this.previous, { recursive: true, force: true });
      if (hadLive) await rename(this.live, this.previous);
      await rename(this.staging, this.live);
      await rm(this.previous, { recursive: true, force: true });
      return result;
    } finally {
      await release();
      // A failed first install leaves no trace, not even the user directory it had to create.
      if (failed && createdUserDir) await rmdir(userDir).catch(() => {});
    }
  }

  /** Puts plugins/ back if a process died between the two renames of a swap. */
  private async recover(): Promise<void> {
    if (!(await exists(this.live)) && (await exists(this.previous))) await rename(this.previous, this.live);
  }

  /** One change at a time: npm must not run twice in the same folder. */
  private async lock(): Promise<() => Promise<void>> {
    const path = join(dirname(this.live), '.plugins.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, String(process.pid), { flag: 'wx' });
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const pid = Number(await readFile(path, 'utf8').catch(() => '0'));
        if (pid && isAlive(pid)) throw new LlmError(`Another llm plugins install or uninstall is running (pid ${pid}); wait for it to finish.`);
        await rm(path, { force: true }); // Left by a process that died: take it over.
      }
    }
    throw new LlmError(`Could not lock ${path}; remove it if no llm plugins command is running.`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function packageNameIn(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}');
  return (JSON.parse(text) as { name?: string }).name;
}
