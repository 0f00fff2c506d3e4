import { existsSync } from 'node:fs';
import { arch, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command as OclifCommand } from '@oclif/core/command';
import type { Config } from '@oclif/core/config';
import type * as Interfaces from '@oclif/core/interfaces';
import { packageJson, packageRoot, type PackageJson } from '../package-info.js';
import { builtinCommands, importBuiltin, type ManifestCommand } from './manifest.js';

/**
 * The part of oclif's Config that running llm's own commands and llm's help use, made from
 * package.json and oclif.manifest.json without loading oclif's Config: that module, its plugin
 * loading and its file reads cost ~15 ms of every start (a tenth of `llm keys path`). Every value
 * is the one oclif's Config would hold for llm (same formulas; llm registers no oclif hooks and no
 * oclif plugins, so `runHook` has nothing to run and `plugins` is empty). Commands of plugins
 * outside llm's own still get oclif's Config (see `RunConfigs` in run-configs.ts): those may use
 * any part of it.
 */
export class LightConfig {
  readonly root = packageRoot;
  readonly pjson: PackageJson;
  readonly name: string;
  readonly version: string;
  readonly bin: string;
  readonly binAliases: string[] | undefined;
  readonly dirname: string;
  readonly topicSeparator: string;
  readonly arch = arch() === 'ia32' ? 'x86' : arch();
  readonly platform = process.platform;
  readonly windows = process.platform === 'win32';
  readonly userAgent: string;
  readonly home = process.env.HOME || homedir() || tmpdir();
  /** oclif reads a theme from here; with one, the run gets oclif's own Config (see `create`). */
  readonly configDir: string;
  readonly theme = undefined;
  readonly commandIDs: string[];
  /** oclif's plugins other than the CLI itself: none for llm (its plugins are its own kind). */
  readonly plugins = new Map<string, never>();
  readonly flexibleTaxonomy = false;
  readonly isSingleCommandCLI = false;
  private topicsByName: Map<string, Interfaces.Topic> | undefined;

  private constructor(private readonly byId: ReadonlyMap<string, ManifestCommand>) {
    this.pjson = packageJson();
    this.name = this.pjson.name;
    this.version = this.pjson.version;
    this.bin = this.pjson.oclif.bin || this.name;
    this.binAliases = this.pjson.oclif.binAliases;
    this.dirname = this.pjson.oclif.dirname || this.name;
    this.topicSeparator = this.pjson.oclif.topicSeparator ?? ':';
    this.userAgent = `${this.name}/${this.version} ${this.platform}-${this.arch} node-${process.version}`;
    const base = process.env.XDG_CONFIG_HOME || (this.windows && process.env.LOCALAPPDATA) || join(this.home, '.config');
    this.configDir = this.scopedEnvVar('CONFIG_DIR') || join(base, this.dirname);
    this.commandIDs = [...byId.keys()];
  }

  /**
   * A light config for this run, or undefined where only oclif's Config behaves as expected: the
   * manifest cannot be read (oclif reports it), or oclif would load a theme (package.json names
   * one, or the user keeps a theme.json in oclif's config folder for llm).
   */
  static create(): LightConfig | undefined {
    const commands = builtinCommands();
    if (!commands || packageJson().oclif.theme !== undefined) return undefined;
    const config = new LightConfig(commands.byId);
    if (!config.scopedEnvVarTrue('DISABLE_THEME') && existsSync(join(config.configDir, 'theme.json'))) return undefined;
    return config;
  }

  /** As oclif's Config is handed to a command (the parts a command does not use are absent). */
  asConfig(): Config {
    return this as unknown as Config;
  }

  /** Every command, and each alias as a command of its own, as oclif's Config lists them. */
  get commands(): ReturnType<LightConfig['findCommand']>[] {
    return [...this.byId.keys()].map((id) => this.findCommand(id));
  }

  /**
   * The topics oclif's Config derives from the manifest: every leading part of a shown command's
   * id (and the id itself), described by the first command that has it (llm's package.json
   * declares no topics of its own).
   */
  get topics(): Interfaces.Topic[] {
    return [...this.topicMap().values()];
  }

  findTopic(name: string): Interfaces.Topic | undefined {
    return this.topicMap().get(name);
  }

  private topicMap(): Map<string, Interfaces.Topic> {
    if (this.topicsByName) return this.topicsByName;
    const topics = new Map<string, Interfaces.Topic>();
    for (const [id, command] of this.byId) {
      const alias = [...(command.aliases ?? []), ...(command.hiddenAliases ?? [])].includes(id);
      if (command.hidden || alias) continue;
      const parts = id.split(':');
      for (; parts.length > 0; parts.pop()) {
        const name = parts.join(':');
        if (!topics.has(name)) topics.set(name, { description: command.summary || command.description, name });
      }
    }
    return (this.topicsByName = topics);
  }

  findCommand(id: string): (ManifestCommand & { load(): Promise<OclifCommand.Class> }) | undefined {
    const command = this.byId.get(id);
    return command && { ...command, load: () => importBuiltin(command) };
  }

  async runHook(): Promise<{ successes: []; failures: [] }> {
    return { successes: [], failures: [] };
  }

  scopedEnvVar(key: string): string | undefined {
    return process.env[this.scopedEnvVarKeys(key).find((k) => process.env[k])!];
  }

  scopedEnvVarKey(key: string): string {
    return envKey(this.bin, key.replaceAll('@', '').replaceAll(/[/-]/g, '_'));
  }

  scopedEnvVarKeys(key: string): string[] {
    return [this.bin, ...(this.binAliases ?? [])].filter(Boolean).map((alias) => envKey(alias, key));
  }

  scopedEnvVarTrue(key: string): boolean {
    const value = this.scopedEnvVar(key);
    return value === '1' || value === 'true';
  }
}

function envKey(bin: string, key: string): string {
  return [bin.replaceAll('@', '').replaceAll(/[/-]/g, '_'), key].join('_').toUpperCase();
}
