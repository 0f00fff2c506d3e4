import { existsSync } from 'node:fs';
import { arch, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command as OclifCommand } from '@oclif/core/command';
import type { Config } from '@oclif/core/config';
import { packageJson, packageRoot, type PackageJson } from '../package-info.js';
import { builtinCommands, importBuiltin, type ManifestCommand } from './manifest.js';

/**
 * The part of oclif's Config that running llm's own commands uses, made from package.json and
 * oclif.manifest.json without loading oclif's Config: that module, its plugin loading and its
 * file reads cost ~15 ms of every start (a tenth of `llm keys path`). Every value is the one
 * oclif's Config would hold for llm (same formulas; llm registers no oclif hooks and no oclif
 * plugins, so `runHook` has nothing to run). Help, and commands of plugins outside llm's own,
 * still get oclif's Config (see `RunConfigs` in run-configs.ts): those may use any part of it.
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

  private constructor(private readonly commands: ReadonlyMap<string, ManifestCommand>) {
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
    this.commandIDs = [...commands.keys()];
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

  findCommand(id: string): (ManifestCommand & { load(): Promise<OclifCommand.Class> }) | undefined {
    const command = this.commands.get(id);
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
