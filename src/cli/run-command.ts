import type { Command as OclifCommand } from '@oclif/core/command';
import type { Config } from '@oclif/core/config';

/**
 * Runs a command class with this run's already-loaded config. (oclif's static `run()` loads a
 * second Config, which costs start-up time and would give the command another plugin host.)
 * Apart from the command base class, so that the router loads oclif's Command and parser only
 * with a command's own module: help never needs them.
 */
export async function runCommand(command: OclifCommand.Class, argv: string[], config: Config): Promise<unknown> {
  const concrete = command as unknown as new (argv: string[], config: Config) => { _run(): Promise<unknown> };
  const instance = new concrete(argv, config);
  return instance._run();
}
