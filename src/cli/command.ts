import { Command as OclifCommand } from '@oclif/core';
import type { Llm } from '../llm.js';
import { hostFor } from './host.js';

/**
 * Base class of every `llm` command, built-in or from a plugin: an oclif command that can reach
 * this run's plugin host. Errors thrown from `run()` are printed on one line by the CLI.
 */
export abstract class Command extends OclifCommand {
  /** This run's plugin host (loaded on first use). */
  protected llm(): Promise<Llm> {
    return hostFor(this.config);
  }
}
