import type { Config } from '@oclif/core/config';
import { packageRoot } from '../package-info.js';
import { commonJsExports } from '../util/interop.js';
import { shareHost } from './host.js';
import { LightConfig } from './light-config.js';

/**
 * The configs of one run: llm's own commands and help run with a light config made from the
 * manifest (see light-config.ts); other plugins' commands with oclif's Config, loaded only then.
 * Both reach the same plugin host.
 */
export class RunConfigs {
  /** What the run's configs share the host through. */
  private readonly run = {};
  private light: Config | null | undefined;
  private full: Promise<Config> | undefined;

  async forOwnCommands(): Promise<Config> {
    if (this.light === undefined) {
      this.light = LightConfig.create()?.asConfig() ?? null;
      if (this.light) shareHost(this.run, this.light);
    }
    return this.light ?? this.oclif();
  }

  /**
   * The config llm's help renders with: the light one where it holds all that oclif's help reads
   * (not on Windows, where oclif's help also asks for the user's shell), else oclif's.
   */
  async forHelp(): Promise<Config> {
    return process.platform === 'win32' ? this.oclif() : this.forOwnCommands();
  }

  /** oclif's Config, loaded on first call. */
  oclif(): Promise<Config> {
    this.full ??= (async () => {
      const { Config } = commonJsExports(await import('@oclif/core/config'));
      const config = await Config.load({ root: packageRoot });
      shareHost(this.run, config);
      return config;
    })();
    return this.full;
  }
}
