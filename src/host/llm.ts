import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tap } from 'tapable';
import { AliasStore } from '../user/aliases.js';
import { CommandRegistry } from './commands-registry.js';
import { loadConfig, type LlmConfig } from './config.js';
import { DefaultModelStore } from '../user/default-model.js';
import { LlmError, PluginConflictError, PluginError, UnknownEmbeddingModelError, UnknownModelError, messageOf } from '../errors.js';
import type { Collection } from '../embeddings/collection.js';
import { bindEmbeddingHost, type EmbeddingModel } from '../embeddings/embedding-model.js';
import { DefaultEmbeddingModelStore } from '../user/default-embedding-model.js';
import { createHooks, hookNames, type FragmentLoader, type HookName, type Hooks, type LogContext } from '../hooks.js';
import { installedPluginSources, pluginsDir } from './installed-plugins.js';
import { KeyStore } from '../user/keys.js';
import type { LogMigration, LogStore } from '../log-store.js';
import type { Metric } from '../metrics.js';
import type { Model } from '../models/model.js';
import { bindModelHost, type ModelHost } from '../models/model-host.js';
import { ModelRegistry, type ModelEntry } from '../models/registry.js';
import type { Response } from '../models/response.js';
import type { CachedResponse, CachedResponseRequest } from '../models/response-cache.js';
import { ToolRegistry } from '../models/tool-registry.js';
import type { Attachment } from '../models/attachment.js';
import type { Fragment } from '../models/fragment.js';
import type { FragmentContext } from '../services/resolve-fragments.js';
import type { TraceRecord } from '../strategy/trace-record.js';
import { packageRoot, packageVersion } from '../package-info.js';
import type { Plugin, PluginContext, PluginObject } from './plugin.js';
import { importPlugin, resolvePlugin, selectionName, toPluginObject, type PluginKind, type PluginSource, type ResolvedPlugin } from './plugin-loader.js';
import { resolveUserDir } from '../user/user-dir.js';

/** A tap as interceptors see it (tapable does not export this type). */
type FullTap = Tap & { type: 'sync' | 'async' | 'promise'; fn: (...args: never[]) => unknown };

/** How to build a host. Everything is optional; tests pass their own world. */
export interface LlmOptions {
  /** User directory (default: LLM_USER_PATH, else the platform's config directory). */
  readonly userDir?: string;
  /** Where to start searching for a project config file (default: process.cwd()). */
  readonly cwd?: string;
  /** Environment (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Plugin objects to apply besides those from config and the user directory. */
  readonly plugins?: readonly Plugin[];
  /** Load the default plugins from default-plugins/ (default: true). */
  readonly defaultPlugins?: boolean;
  /** Read config files and load installed plugins (default: true). */
  readonly loadInstalled?: boolean;
  /** Where installed plugins are (default: plugins/ in the user directory). */
  readonly pluginsDir?: string;
  /** Shows a one-line warning to the user (default: stderr). */
  readonly warn?: (message: string) => void;
}

/** A registered fragment loader: `-f prefix:argument` calls `loader(argument)`. */
export interface FragmentLoaderEntry {
  readonly prefix: string;
  readonly loader: FragmentLoader;
  /** The plugin that registered it. */
  readonly plugin: string;
  readonly description: string | undefined;
}

/** A plugin the host loaded (or tried to). */
export interface LoadedPlugin {
  readonly name: string;
  readonly kind: PluginKind;
  /** The npm package it came from, if any. */
  readonly packageName: string | undefined;
  readonly version: string | undefined;
  readonly description: string | undefined;
  /** The module file, for plugins loaded from disk. */
  readonly path: string | undefined;
  /** The file that listed it: a config file, or plugins/package.json for installed plugins. */
  readonly origin: string | undefined;
  /** Hooks the plugin tapped. */
  readonly hooks: HookName[];
  /** Why the plugin was skipped, if its import or apply failed. */
  failed: string | undefined;
}

/**
 * The plugin host: loads plugins, owns one fresh set of hooks, and answers model lookups.
 * Create one with `createLlm()`; each has its own hooks and registries (no global state).
 */
export class Llm implements ModelHost {
  /** This host's hooks. */
  readonly hooks: Hooks = createHooks();
  /** Plugins in load order: installed, from config, programmatic, then default. */
  readonly plugins: LoadedPlugin[] = [];
  readonly keys: KeyStore;
  readonly aliases: AliasStore;
  readonly defaultModel: DefaultModelStore;
  readonly defaultEmbeddingModel: DefaultEmbeddingModelStore;

  private applying: LoadedPlugin | undefined;
  private readonly tapOwners = new Map<HookName, string>();
  private modelRegistry: Promise<ModelRegistry> | undefined;
  private embeddingRegistry: Promise<ModelRegistry<EmbeddingModel>> | undefined;
  private commandRegistry: CommandRegistry | undefined;
  private metricList: Metric[] | undefined;
  private toolRegistry: ToolRegistry | undefined;
  private logMigrationList: LogMigration[] | undefined;
  private fragmentLoaderMap: Map<string, FragmentLoaderEntry> | undefined;

  private constructor(
    /** The user directory. */
    readonly userDir: string,
    /** The environment the host runs with. */
    readonly env: Readonly<Record<string, string | undefined>>,
    /** Shows the user a one-line warning. */
    readonly warn: (message: string) => void,
  ) {
    this.keys = new KeyStore(userDir);
    this.aliases = new AliasStore(userDir);
    this.defaultModel = new DefaultModelStore(userDir);
    this.defaultEmbeddingModel = new DefaultEmbeddingModelStore(userDir);
    for (const name of hookNames) {
      this.hooks[name].intercept({ register: (tap) => this.attribute(name, tap as FullTap) });
    }
  }

  /** Builds a host and loads its plugins. */
  static async create(options: LlmOptions = {}): Promise<Llm> {
    const env = options.env ?? process.env;
    const warn = options.warn ?? ((message: string) => process.stderr.write(`Warning: ${message}\n`));
    const llm = new Llm(options.userDir ?? resolveUserDir(env), env, warn);
    await llm.loadPlugins(options);
    return llm;
  }

  // -- Models ---------------------------------------------------------------------------------------

  /** Every registered model with its aliases and plugin. */
  async getModels(): Promise<ModelEntry[]> {
    return (await this.models()).list();
  }

  /**
   * A model by id or alias; none means the default model. The user's aliases (aliases.json) come
   * first, then model ids, then the aliases plugins registered. Unknown names suggest close ones.
   */
  async getModel(idOrAlias?: string): Promise<Model> {
    const registry = await this.models();
    const name = idOrAlias ?? (await this.defaultModel.get());
    const userAliases = await this.aliases.read();
    const entry = registry.find(Object.hasOwn(userAliases, name) ? userAliases[name]! : name);
    if (!entry) throw new UnknownModelError(name, registry.suggest(name), idOrAlias === undefined);
    return entry.model;
  }

  /** The registry, built by running `registerModels` the first time it is needed. */
  models(): Promise<ModelRegistry> {
    this.modelRegistry ??= this.buildModelRegistry();
    return this.modelRegistry;
  }

  private async buildModelRegistry(): Promise<ModelRegistry> {
    const registry = new ModelRegistry();
    await this.hooks.registerModels.promise((model, options) => {
      const entry = registry.register(model, options?.aliases ?? [], this.tapOwners.get('registerModels') ?? 'unknown');
      bindModelHost(entry.model, this);
    });
    return registry;
  }

  // -- Embedding models and collections ----------------------------------------------------------

  /** Every registered embedding model with its aliases and plugin. */
  async getEmbeddingModels(): Promise<ModelEntry<EmbeddingModel>[]> {
    return (await this.embeddingModels()).list();
  }

  /**
   * An embedding model by id or alias; none means the default (`llm embed-models default`). The
   * user's aliases (aliases.json) come first, as for chat models.
   */
  async getEmbeddingModel(idOrAlias?: string): Promise<EmbeddingModel> {
    const registry = await this.embeddingModels();
    const name = idOrAlias ?? (await this.defaultEmbeddingModel.get());
    if (name === undefined) throw new UnknownEmbeddingModelError(undefined);
    const userAliases = await this.aliases.read();
    const entry = registry.find(Object.hasOwn(userAliases, name) ? userAliases[name]! : name);
    if (!entry) throw new UnknownEmbeddingModelError(name, registry.suggest(name));
    return entry.model;
  }

  /** The embedding model registry, built by running `registerEmbeddingModels` the first time it is needed. */
  embeddingModels(): Promise<ModelRegistry<EmbeddingModel>> {
    this.embeddingRegistry ??= this.buildEmbeddingRegistry();
    return this.embeddingRegistry;
  }

  private async buildEmbeddingRegistry(): Promise<ModelRegistry<EmbeddingModel>> {
    const registry = new ModelRegistry<EmbeddingModel>({ methods: ['embedBatch', 'embed', 'embedMulti'], base: 'EmbeddingModel', noun: 'an embedding model' });
    await this.hooks.registerEmbeddingModels.promise((model, options) => {
      const entry = registry.register(model, options?.aliases ?? [], this.tapOwners.get('registerEmbeddingModels') ?? 'unknown');
      bindEmbeddingHost(entry.model, { resolveKey: (needs, explicit) => this.keys.resolve(needs, explicit, this.env) });
    });
    return registry;
  }

  /**
   * A collection of embeddings by name, in embeddings.db in the user directory (or `database`).
   * A missing collection is created with `model` (an id, an alias or a model; default: the default
   * embedding model) unless `create` is false, which makes it an error. An existing collection keeps
   * its model: naming another one is an error.
   */
  async collection(name: string, options: { database?: string | undefined; model?: string | EmbeddingModel | undefined; create?: boolean } = {}): Promise<Collection> {
    const create = options.create ?? true;
    let model: EmbeddingModel | undefined;
    if (typeof options.model === 'object') model = options.model;
    else if (options.model !== undefined) model = await this.getEmbeddingModel(options.model);
    // No model named: the default, if one is set, for a collection that may need creating.
    const defaultModel = !model && create && (await this.defaultEmbeddingModel.get()) !== undefined ? await this.getEmbeddingModel() : undefined;
    const request = { name, database: options.database, create, model, defaultModel, getModel: (id: string) => this.getEmbeddingModel(id) };
    const collection = await this.hooks.openCollection.promise(request);
    if (!collection) throw new LlmError('No plugin keeps embeddings: the embeddings plugin is switched off or missing (see llm plugins --all).');
    return collection;
  }

  /**
   * Another SQLite database than the log (`embeddings.db`), opened by the plugin that keeps the
   * log, with the same engines and guarantees; `migrations` are applied to it and recorded under
   * `migrationSet` as sqlite-migrate does.
   */
  async databaseStore(file: string, migrations: readonly LogMigration[], migrationSet: string): Promise<LogStore> {
    const store = await this.hooks.openLogStore.promise({ file, migrations, migrationSet });
    if (!store) throw new LlmError('No plugin opens SQLite databases: the sqlite-logger plugin is switched off or missing (see llm plugins --all).');
    return store;
  }

  // -- Commands and metrics -----------------------------------------------------------------------

  /** Commands plugins register, by running `registerCommands` once. */
  commands(builtinIds: ReadonlySet<string>): CommandRegistry {
    if (!this.commandRegistry) {
      const registry = new CommandRegistry(builtinIds);
      this.hooks.registerCommands.call((id, command) => registry.register(id, command, this.tapOwners.get('registerCommands') ?? 'unknown'));
      this.commandRegistry = registry;
    }
    return this.commandRegistry;
  }

  /** Metrics plugins register, by running `registerMetrics` once. A duplicate name is an error. */
  metrics(): Metric[] {
    if (!this.metricList) {
      const byName = new Map<string, { metric: Metric; plugin: string }>();
      this.hooks.registerMetrics.call((metric) => {
        const plugin = this.tapOwners.get('registerMetrics') ?? 'unknown';
        const taken = byName.get(metric.name);
        if (taken) throw new PluginConflictError(`metric '${metric.name}' is registered by both plugin ${taken.plugin} and plugin ${plugin}`);
        byName.set(metric.name, { metric, plugin });
      });
      this.metricList = [...byName.values()].map((m) => m.metric);
    }
    return this.metricList;
  }

  /** Tools and toolboxes plugins register, by running `registerTools` once. A duplicate name is an error. */
  tools(): ToolRegistry {
    if (!this.toolRegistry) {
      const registry = new ToolRegistry();
      this.hooks.registerTools.call((tool) => registry.register(tool, this.tapOwners.get('registerTools') ?? 'unknown'));
      this.toolRegistry = registry;
    }
    return this.toolRegistry;
  }

  /**
   * Fragment loaders plugins register, by prefix, by running `registerFragmentLoaders` once. A
   * prefix registered twice is an error naming both plugins.
   */
  fragmentLoaders(): ReadonlyMap<string, FragmentLoaderEntry> {
    if (!this.fragmentLoaderMap) {
      const byPrefix = new Map<string, FragmentLoaderEntry>();
      this.hooks.registerFragmentLoaders.call((prefix, loader, options) => {
        const plugin = this.tapOwners.get('registerFragmentLoaders') ?? 'unknown';
        if (!/^[a-zA-Z0-9_-]+$/.test(prefix)) throw new LlmError(`plugin ${plugin} registered fragment loader prefix '${prefix}': use only letters, digits, '_' and '-'`);
        const taken = byPrefix.get(prefix);
        if (taken) throw new PluginConflictError(`fragment loader prefix '${prefix}' is registered by both plugin ${taken.plugin} and plugin ${plugin}`);
        byPrefix.set(prefix, { prefix, loader, plugin, description: options?.description });
      });
      this.fragmentLoaderMap = byPrefix;
    }
    return this.fragmentLoaderMap;
  }

  /**
   * Resolves fragment references (`-f` values: paths, URLs, `-`, hashes, aliases, `prefix:...`)
   * to fragments, and attachments where a loader returns them (see `resolveFragments`).
   */
  async resolveFragments(references: readonly string[], context: FragmentContext = {}): Promise<(Fragment | Attachment)[]> {
    const { resolveFragments } = await import('../services/resolve-fragments.js');
    return resolveFragments(this, references, context);
  }

  // -- The log database ---------------------------------------------------------------------------

  /** Migrations plugins register for the log database, by running `registerLogMigrations` once. */
  logMigrations(): LogMigration[] {
    if (!this.logMigrationList) {
      const byName = new Map<string, string>();
      const list: LogMigration[] = [];
      this.hooks.registerLogMigrations.call((migration) => {
        const plugin = this.tapOwners.get('registerLogMigrations') ?? 'unknown';
        const taken = byName.get(migration.name);
        if (taken) throw new PluginConflictError(`log migration '${migration.name}' is registered by both plugin ${taken} and plugin ${plugin}`);
        byName.set(migration.name, plugin);
        list.push(migration);
      });
      this.logMigrationList = list;
    }
    return this.logMigrationList;
  }

  /**
   * The log database (`database`: another file than the default), for code that keeps records in
   * it. A plugin that keeps the log answers `openLogStore`; without one this is an error.
   */
  async logStore(database?: string): Promise<LogStore> {
    const store = await this.hooks.openLogStore.promise({ database, migrations: this.logMigrations() });
    if (!store) throw new LlmError('No plugin keeps a log database: the sqlite-logger plugin is switched off or missing (see llm plugins --all).');
    return store;
  }

  // -- ModelHost ------------------------------------------------------------------------------------

  /** The key for a model: `explicit`, keys.json, then the model's environment variable. */
  resolveKey(model: Model, explicit: string | undefined): Promise<string | undefined> {
    return this.keys.resolve(model, explicit, this.env);
  }

  /** Runs `prepareLog` without waiting for it; a failure is left for `logResponse` to report. */
  prepareLog(context: LogContext): void {
    if (this.hooks.prepareLog.isUsed()) this.hooks.prepareLog.promise(context).catch(() => {});
  }

  /** Runs `logResponse`; a failing logger becomes a warning because the answer was delivered. */
  async logResponse(response: Response, context: LogContext): Promise<void> {
    try {
      await this.hooks.logResponse.promise(response, context);
    } catch (error) {
      this.warn(messageOf(error));
      if (this.env.LLM_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    }
  }

  /** Runs `findCachedResponse`: the logged answer to a request, if the log has one. */
  findCachedResponse(request: CachedResponseRequest): Promise<CachedResponse | undefined> {
    return this.hooks.findCachedResponse.promise(request);
  }

  /** Runs `logTrace`, handing the taps the log database; a failing tap becomes a warning. */
  async logTrace(trace: TraceRecord, context: LogContext): Promise<void> {
    try {
      await this.hooks.logTrace.promise(trace, { ...context, logStore: () => this.logStore(context.database) });
    } catch (error) {
      this.warn(messageOf(error));
      if (this.env.LLM_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    }
  }

  // -- Plugins --------------------------------------------------------------------------------------

  private async loadPlugins(options: LlmOptions): Promise<void> {
    const loadInstalled = options.loadInstalled ?? true;
    const config: LlmConfig = loadInstalled
      ? await loadConfig({ cwd: options.cwd ?? process.cwd(), userDir: this.userDir, warn: this.warn })
      : { plugins: [], defaultPlugins: {}, defaultPluginOptions: {}, files: [] };
    const sources: PluginSource[] = [];
    if (loadInstalled) {
      sources.push(...(await installedPluginSources(options.pluginsDir ?? pluginsDir(this.userDir))));
      sources.push(...config.plugins.map((p) => ({ kind: 'config' as const, spec: p.spec, baseDir: p.baseDir, origin: p.origin, options: p.options })));
    }
    const resolved: ResolvedPlugin[] = [];
    for (const source of sources) resolved.push(await resolvePlugin(source, [options.pluginsDir ?? pluginsDir(this.userDir)]));
    const selected = selectPlugins(resolved, this.env.LLM_LOAD_PLUGINS);

    for (const plugin of selected) {
      let object: PluginObject;
      try {
        object = await importPlugin(plugin, this.warn);
      } catch (error) {
        this.skip(this.record(selectionName(plugin), plugin), 'import', error);
        continue;
      }
      await this.apply(object, plugin);
    }
    for (const [index, plugin] of (options.plugins ?? []).entries()) {
      await this.apply(toPluginObject(plugin, undefined, `plugin-${index + 1}`), undefined);
    }
    if (options.defaultPlugins ?? true) {
      // Resolved and imported all at once (the module loader overlaps their file reads, ~15 ms of
      // every start), then applied one by one in name order, as before.
      const loading = (await defaultPluginSources()).map(async (plugin) => {
        const found = await resolvePlugin(plugin);
        const name = selectionName(found);
        if (config.defaultPlugins[name] === false) return undefined;
        const options = config.defaultPluginOptions[name];
        const resolved = options ? { ...found, source: { ...found.source, options } } : found;
        return { resolved, object: await importPlugin(resolved) };
      });
      // A failure surfaces when its turn comes, as it did when they loaded in turn; none goes unhandled.
      for (const promise of loading) promise.catch(() => {});
      for (const promise of loading) {
        const loaded = await promise;
        if (loaded) await this.apply(loaded.object, loaded.resolved);
      }
    }
  }

  private async apply(plugin: PluginObject, resolved: ResolvedPlugin | undefined): Promise<void> {
    const taken = this.plugins.find((p) => p.name === plugin.name);
    if (taken) {
      const where = (p: { path?: string | undefined }) => p.path ?? 'code';
      throw new PluginConflictError(
        `two plugins are named '${plugin.name}': ${where(taken)} and ${where({ path: resolved?.entry })}. Uninstall or disable one of them.`,
      );
    }
    const loaded = this.record(plugin.name, resolved, plugin.description);
    const context: PluginContext = {
      userDir: this.userDir,
      version: packageVersion(),
      options: resolved?.source.options ?? {},
      env: this.env,
      warn: this.warn,
    };
    this.applying = loaded;
    try {
      await plugin.apply(this.hooks, context);
    } catch (error) {
      this.skip(loaded, 'apply', error);
    } finally {
      this.applying = undefined;
    }
  }

  private record(name: string, resolved: ResolvedPlugin | undefined, description?: string): LoadedPlugin {
    const loaded: LoadedPlugin = {
      name,
      kind: resolved?.source.kind ?? 'programmatic',
      packageName: resolved?.packageName,
      version: resolved?.source.kind === 'default' ? packageVersion() : resolved?.version,
      description: description ?? resolved?.description,
      path: resolved?.entry,
      origin: resolved?.source.origin,
      hooks: [],
      failed: undefined,
    };
    this.plugins.push(loaded);
    return loaded;
  }

  /** A plugin that fails to import or apply is skipped with a warning, so llm stays usable. */
  private skip(plugin: LoadedPlugin, stage: string, error: unknown): void {
    plugin.failed = `failed in ${stage}: ${messageOf(error)}`;
    this.warn(`plugin ${plugin.name} ${plugin.failed}; continuing without it`);
    if (this.env.LLM_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  }

  /**
   * Interceptor for every tap: records which plugin tapped which hook, skips taps of plugins
   * that failed to apply, notes the running tap's owner for `register()` callbacks, and
   * re-throws errors as `plugin <name> failed in <hook>: <message>`.
   */
  private attribute(hook: HookName, tap: FullTap): FullTap {
    const owner = this.applying;
    const name = owner?.name ?? tap.name;
    if (owner && !owner.hooks.includes(hook)) owner.hooks.push(hook);
    const fn = tap.fn as (...args: unknown[]) => unknown;
    const wrap = (error: unknown) =>
      error instanceof PluginError || error instanceof PluginConflictError ? error : new PluginError(name, hook, error);
    const skipped = () => owner?.failed !== undefined;
    const begin = () => this.tapOwners.set(hook, name);
    let wrapped: (...args: unknown[]) => unknown;
    if (tap.type === 'promise') {
      wrapped = async (...args) => {
        if (skipped()) return undefined;
        begin();
        try {
          return await fn(...args);
        } catch (error) {
          throw wrap(error);
        }
      };
    } else if (tap.type === 'async') {
      wrapped = (...args) => {
        const callback = args.pop() as (error?: unknown, result?: unknown) => void;
        if (skipped()) return callback();
        begin();
        try {
          return fn(...args, (error?: unknown, result?: unknown) => (error ? callback(wrap(error)) : callback(undefined, result)));
        } catch (error) {
          return callback(wrap(error));
        }
      };
    } else {
      wrapped = (...args) => {
        if (skipped()) return undefined;
        begin();
        try {
          return fn(...args);
        } catch (error) {
          throw wrap(error);
        }
      };
    }
    return { ...tap, fn: wrapped };
  }
}

/** Creates a plugin host (see LlmOptions). */
export function createLlm(options: LlmOptions = {}): Promise<Llm> {
  return Llm.create(options);
}

/** Plugins from LLM_LOAD_PLUGINS (comma-separated names; empty: none), or all when unset. */
function selectPlugins(plugins: readonly ResolvedPlugin[], selection: string | undefined): ResolvedPlugin[] {
  if (selection === undefined) return [...plugins];
  const names = new Set(selection.split(',').map((s) => s.trim()).filter(Boolean));
  return plugins.filter((plugin) => names.has(selectionName(plugin)));
}

/** The default plugins: one folder each in default-plugins/, loaded like any other plugin. */
async function defaultPluginSources(): Promise<PluginSource[]> {
  const dir = join(packageRoot, 'default-plugins');
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ kind: 'default' as const, spec: join(dir, name), baseDir: dir }));
}

