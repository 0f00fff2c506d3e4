import { Command as OclifCommand } from '@oclif/core/command';
import type { Config } from '@oclif/core/config';
import type { Llm } from '../host/llm.js';
import { resolveUserDir } from '../user/user-dir.js';
import { hostFor } from './host.js';

/**
 * Base class of every `llm` command, built-in or from a plugin: an oclif command that can reach
 * this run's plugin host. Errors thrown from `run()` are printed on one line by the CLI.
 */
export abstract class Command extends OclifCommand {
  /**
   * Runs a command class with this run's already-loaded config. (oclif's static `run()` loads a
   * second Config, which costs start-up time and would give the command another plugin host.)
   */
  static async runWith(command: OclifCommand.Class, argv: string[], config: Config): Promise<unknown> {
    const concrete = command as unknown as new (argv: string[], config: Config) => { _run(): Promise<unknown> };
    const instance = new concrete(argv, config);
    return instance._run();
  }

  /** The user directory, for commands that need no plugins (cheaper than loading the host). */
  protected userDir(): string {
    return resolveUserDir();
  }

  /** This run's plugin host (loaded on first use). */
  protected llm(): Promise<Llm> {
    return hostFor(this.config);
  }
}
