import { Command as OclifCommand } from '@oclif/core/command';
import type { Llm } from '../host/llm.js';
import { resolveUserDir } from '../user/user-dir.js';
import { hostFor } from './host.js';

/**
 * Base class of every `llm` command, built-in or from a plugin: an oclif command that can reach
 * this run's plugin host. Errors thrown from `run()` are printed on one line by the CLI.
 */
export abstract class Command extends OclifCommand {
  /** The user directory, for commands that need no plugins (cheaper than loading the host). */
  protected userDir(): string {
    return resolveUserDir();
  }

  /** This run's plugin host (loaded on first use). */
  protected llm(): Promise<Llm> {
    return hostFor(this.config);
  }
}
