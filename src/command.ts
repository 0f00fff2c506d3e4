/**
 * What plugin authors need to write CLI commands: `import { Command, Flags, Args } from 'llm-host/command'`.
 * Kept apart from the package root so library users never load oclif.
 */
export { Command } from './cli/command.js';
export * as Args from '@oclif/core/args';
export * as Flags from '@oclif/core/flags';
/** For flags that take two values (`--files DIR GLOB`): join them before `parse`, split them after. */
export { pairKeyValueArgs, parsePairs } from './cli/key-value-args.js';
