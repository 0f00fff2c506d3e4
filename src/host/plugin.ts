import type { Hooks } from '../hooks.js';

/** What the host hands a plugin besides the hooks. */
export interface PluginContext {
  /** The user directory: `LLM_USER_PATH`, else the platform's config directory. */
  readonly userDir: string;
  /** The version of `llm` that loaded the plugin. */
  readonly version: string;
  /** Options given to this plugin in the config file (`plugins: [{ name, options }]`), else `{}`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Environment variables the host runs with (tests pass their own). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Shows the user a one-line warning. */
  warn(message: string): void;
}

/** A plugin: a name and an `apply` that taps hooks and does nothing else. */
export interface PluginObject {
  readonly name: string;
  /** One line saying what the plugin adds (shown by `llm plugins`). */
  readonly description?: string;
  apply(hooks: Hooks, context: PluginContext): void | Promise<void>;
}

/** A bare function is accepted too; its name comes from its package (or file). */
export type PluginFunction = (hooks: Hooks, context: PluginContext) => void | Promise<void>;

/** Anything a plugin module may default-export. */
export type Plugin = PluginObject | PluginFunction;

/** Identity helper that gives a plugin object its type. */
export function definePlugin(plugin: PluginObject): PluginObject {
  return plugin;
}
