import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, SyncHook } from 'tapable';
import type { Collection, CollectionRequest } from './embeddings/collection.js';
import type { EmbeddingModel } from './embeddings/embedding-model.js';
import type { CommandEntry } from './host/commands-registry.js';
import type { LogMigration, LogStore, LogStoreRequest } from './log-store.js';
import type { Metric } from './metrics.js';
import type { Attachment } from './models/attachment.js';
import type { Conversation } from './models/conversation.js';
import type { Fragment } from './models/fragment.js';
import type { Model } from './models/model.js';
import type { Response } from './models/response.js';
import type { CachedResponse, CachedResponseRequest } from './models/response-cache.js';
import type { Tool, ToolboxClass } from './models/tool.js';
import type { TraceRecord } from './strategy/trace-record.js';

/** Registers a model, with extra aliases beside the model's own. */
export type RegisterModel = (model: Model, options?: { aliases?: readonly string[] }) => void;

/** Registers an embedding model, with extra aliases beside the model's own. */
export type RegisterEmbeddingModel = (model: EmbeddingModel, options?: { aliases?: readonly string[] }) => void;

/**
 * Registers a CLI command under a space-separated id (`'logs list'`): either an oclif command class
 * (extend `Command` from `llm-host/command`) or a function that imports it, so it loads only when run.
 */
export type RegisterCommand = (id: string, command: CommandEntry) => void;

/** Registers a tool (see `defineTool`) or a toolbox class (see `Toolbox`). */
export type RegisterTool = (tool: Tool<any> | ToolboxClass) => void;

/** Registers a scalar metric for experiments. */
export type RegisterMetric = (metric: Metric) => void;

/** Registers a change to the log database's schema. */
export type RegisterLogMigration = (migration: LogMigration) => void;

/**
 * What a fragment loader returns for `-f prefix:argument`: one fragment or several, and for a
 * prompt (not a system prompt) attachments too. A plain string is a fragment whose source is the
 * reference as typed.
 */
export type FragmentLoaderResult = string | Fragment | Attachment | readonly (string | Fragment | Attachment)[];

/** Loads the fragments for `-f prefix:argument`; receives `argument` (the part after the colon). */
export type FragmentLoader = (argument: string) => FragmentLoaderResult | Promise<FragmentLoaderResult>;

/**
 * Registers a fragment loader for a prefix (letters, digits, `_`, `-`): `-f prefix:argument` then
 * asks it. The description is shown by `llm fragments loaders`.
 */
export type RegisterFragmentLoader = (prefix: string, loader: FragmentLoader, options?: { description?: string }) => void;

/** A stored fragment to look up by hash or alias (`-f HASH`, `-f ALIAS`), for `resolveFragment`. */
export interface FragmentRequest {
  /** The hash or alias as typed. */
  readonly reference: string;
  /** Read this log database instead of the default (`-d/--database`). */
  readonly database?: string | undefined;
}

/** How the caller asked for a response to be logged. */
export interface LogContext {
  /** Log even if logging is switched off (`llm --log`). */
  readonly force: boolean;
  /** Log to this database file instead of the default (`-d/--database`). */
  readonly database?: string;
  /**
   * One of many responses logged in quick succession (an experiment's runs): the logger may hold
   * it briefly to write it together with others in one transaction. `done()` still waits for it.
   */
  readonly batch?: boolean;
}

/** How a finished trace is logged, for `logTrace`: as `LogContext`, plus the log database. */
export interface TraceLogContext extends LogContext {
  /** Opens the log database (`database` if given, else the default) with every plugin's migrations. */
  logStore(): Promise<LogStore>;
}

/** Which logged conversation to continue (`llm -c`, `llm --cid ID`), for `resolveConversation`. */
export interface ConversationRequest {
  /** Continue the newest conversation in the log (`-c/--continue`). */
  readonly continueLast: boolean;
  /** Continue the conversation with this id (`--cid`); wins over `continueLast`. */
  readonly id?: string | undefined;
  /** Read this log database instead of the default (`-d/--database`), as `LogContext.database`. */
  readonly database?: string | undefined;
  /**
   * The model to continue with, given the model id the log recorded for the conversation. The CLI
   * answers with the `-m` model if one was given, else the recorded one (an unknown id throws).
   */
  model(loggedModelId: string): Promise<Model>;
}

/**
 * Every hook of the plugin host, in one place. A plugin's `apply(hooks)` only taps these.
 * The hook class says how the taps run.
 */
export interface Hooks {
  // -- Registration: run once per host, the first time their contribution is needed --------------

  /**
   * Plugins add models by calling `register(model, { aliases })`. Taps run in series and may be
   * async (to read a file listing extra models, say). Runs the first time a model is looked up.
   */
  readonly registerModels: AsyncSeriesHook<[RegisterModel]>;

  /**
   * Plugins add embedding models by calling `register(model, { aliases })`, as `registerModels`.
   * Runs the first time an embedding model is looked up (`llm embed`, `llm embed-models`).
   */
  readonly registerEmbeddingModels: AsyncSeriesHook<[RegisterEmbeddingModel]>;

  /**
   * Plugins add CLI commands by calling `register(id, commandOrLoader)`. Synchronous: a tap only
   * names its commands; a loader function defers importing the command until it runs. Called only
   * by the CLI, never when `llm` is used as a library.
   */
  readonly registerCommands: SyncHook<[RegisterCommand]>;

  /** Plugins add scalar metrics for experiments by calling `register(metric)`. */
  readonly registerMetrics: SyncHook<[RegisterMetric]>;

  /**
   * Plugins add tools models can call, by calling `register(tool)` with a `defineTool({...})` or a
   * class extending `Toolbox` (its methods become tools named `Name_method`). Synchronous; runs the
   * first time tools are looked up (`-T`, `llm tools`). Registering a tool never runs it: a tool
   * runs only when the user names it.
   */
  readonly registerTools: SyncHook<[RegisterTool]>;

  /**
   * Plugins that keep their own records in the log database add their tables by calling
   * `register(migration)`. Runs the first time a plugin opens the log store; the migrations are
   * handed to `openLogStore` and applied after the log's own, once each.
   */
  readonly registerLogMigrations: SyncHook<[RegisterLogMigration]>;

  /**
   * Plugins add fragment loaders by calling `register(prefix, loader)`: `-f prefix:argument` (and
   * `--sf`, templates' `fragments:`) then gets its fragments from the loader, as the Python llm's
   * `register_fragment_loaders`. Runs the first time a prefixed fragment is resolved (and for
   * `llm fragments loaders`). A prefix registered twice is an error naming both plugins.
   */
  readonly registerFragmentLoaders: SyncHook<[RegisterFragmentLoader]>;

  // -- Work ----------------------------------------------------------------------------------------

  /**
   * Called when a response that will be logged sends its request: a logger loads now what
   * `logResponse` needs (its code, its database engine), while the model is still answering, so
   * that little is left to do after the last chunk. Taps run in parallel; a failing tap is ignored
   * (`logResponse` reports what is wrong). Never required: `logResponse` works without it.
   */
  readonly prepareLog: AsyncParallelHook<[LogContext]>;

  /**
   * Called once each time a response finishes, whoever asked for it (CLI or library) and whatever
   * the model. Taps run in series. A failing tap becomes a warning, not an error: the answer has
   * already been delivered.
   */
  readonly logResponse: AsyncSeriesHook<[Response, LogContext]>;

  /**
   * Called once each time a trace finishes: the tree of `llmFunction` and traced calls under one
   * root call (see `src/strategy/trace.ts`), with the ids of the responses each call logged. Taps
   * run in series; the context opens the log database. Like `logResponse`, a failing tap becomes
   * a warning: the calls have already returned.
   */
  readonly logTrace: AsyncSeriesHook<[TraceRecord, TraceLogContext]>;

  /**
   * Rebuilds a logged conversation so a prompt can continue it (`llm -c`, `llm --cid ID`, and the
   * same in `llm chat`). Taps run in series until one returns a `Conversation`, its earlier turns
   * restored with `Response.restore()`; a tap that does not know the conversation (no log, unknown
   * id) returns undefined. Called only when the user asks to continue.
   */
  readonly resolveConversation: AsyncSeriesBailHook<[ConversationRequest], Conversation | undefined>;

  /**
   * Opens the log database for a plugin that keeps records in it (see `Llm.logStore()`). Taps run
   * in series until one returns a `LogStore`: the plugin that keeps the log (sqlite-logger) answers;
   * others return undefined.
   */
  readonly openLogStore: AsyncSeriesBailHook<[LogStoreRequest], LogStore | undefined>;

  /**
   * Opens a collection of embeddings (`Llm.collection()`, `llm embed`, `llm similar`). Taps run in
   * series until one returns a `Collection`: the plugin that keeps embeddings.db (embeddings)
   * answers; others return undefined.
   */
  readonly openCollection: AsyncSeriesBailHook<[CollectionRequest], Collection | undefined>;

  /**
   * Finds a stored fragment by its hash or alias (`-f HASH`, `-f ALIAS`, `llm fragments show`).
   * Taps run in series until one returns a `Fragment`: the plugin that keeps the log
   * (sqlite-logger) answers from its `fragments` table; unknown references return undefined, and
   * the reference is then tried as a file path.
   */
  readonly resolveFragment: AsyncSeriesBailHook<[FragmentRequest], Fragment | undefined>;

  /**
   * Answers a request from the log (`--cache`, `cache: true`): the newest logged response whose
   * request hash is `request.hash` (logged at or after `notBefore`, if given). Taps run in series
   * until one returns a `CachedResponse`: the plugin that keeps the log (sqlite-logger) answers;
   * undefined means the request is sent. The response then reuses the logged row's id.
   */
  readonly findCachedResponse: AsyncSeriesBailHook<[CachedResponseRequest], CachedResponse | undefined>;
}

/** The names of all hooks, in declaration order. */
export const hookNames = [
  'registerModels',
  'registerCommands',
  'registerMetrics',
  'registerTools',
  'registerLogMigrations',
  'registerFragmentLoaders',
  'prepareLog',
  'logResponse',
  'logTrace',
  'resolveConversation',
  'openLogStore',
  'registerEmbeddingModels',
  'openCollection',
  'resolveFragment',
  'findCachedResponse',
] as const;

/** The name of one hook. */
export type HookName = (typeof hookNames)[number];

/** Creates a fresh, frozen set of hooks: one per host, never shared between runs or tests. */
export function createHooks(): Hooks {
  return Object.freeze({
    registerModels: new AsyncSeriesHook<[RegisterModel]>(['register']),
    registerCommands: new SyncHook<[RegisterCommand]>(['register']),
    registerMetrics: new SyncHook<[RegisterMetric]>(['register']),
    registerTools: new SyncHook<[RegisterTool]>(['register']),
    prepareLog: new AsyncParallelHook<[LogContext]>(['context']),
    logResponse: new AsyncSeriesHook<[Response, LogContext]>(['response', 'context']),
    registerLogMigrations: new SyncHook<[RegisterLogMigration]>(['register']),
    logTrace: new AsyncSeriesHook<[TraceRecord, TraceLogContext]>(['trace', 'context']),
    resolveConversation: new AsyncSeriesBailHook<[ConversationRequest], Conversation | undefined>(['request']),
    openLogStore: new AsyncSeriesBailHook<[LogStoreRequest], LogStore | undefined>(['request']),
    registerEmbeddingModels: new AsyncSeriesHook<[RegisterEmbeddingModel]>(['register']),
    openCollection: new AsyncSeriesBailHook<[CollectionRequest], Collection | undefined>(['request']),
    registerFragmentLoaders: new SyncHook<[RegisterFragmentLoader]>(['register']),
    resolveFragment: new AsyncSeriesBailHook<[FragmentRequest], Fragment | undefined>(['request']),
    findCachedResponse: new AsyncSeriesBailHook<[CachedResponseRequest], CachedResponse | undefined>(['request']),
  });
}
