import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../package-info.js';
import { matchCommand, splitHelp } from '../util/command-words.js';
import { startHostEarly } from './host.js';

interface ManifestCommand {
  readonly relativePath?: string[];
  readonly aliases?: string[];
}

/**
 * Starts, before oclif's Config loads, the work this run will surely need, so that it overlaps
 * Config's file reads instead of following them: the module of the built-in command that argv
 * names, and the plugin host where the router or the command will ask for it at once (any help,
 * a plugin command, a prompt). Nothing here decides anything: the router still routes with
 * oclif's Config; a guess that does not match only costs the time spent on it.
 */
export function startEarly(rawArgv: readonly string[]): void {
  const { help, argv } = splitHelp(rawArgv[0] === 'help' ? [...rawArgv.slice(1), '--help'] : rawArgv);
  // Every help lists the commands plugins register.
  if (help) return startHostEarly();
  const first = argv[0];
  if (first === undefined) return;
  const commands = builtinCommands();
  if (!commands) return;
  const builtin = matchCommand(argv, (id) => commands.get(id.replaceAll(' ', ':')));
  if (builtin) return prefetch(builtin.command);
  // Not a built-in: a plugin command or a prompt, and the router loads the host for either.
  startHostEarly();
  const surelyPrompt = first.startsWith('-') || /\s/.test(first);
  if (surelyPrompt && commands.get('prompt')) prefetch(commands.get('prompt')!);
}

/** The built-in commands by id (and alias), from the manifest the build writes. */
function builtinCommands(): Map<string, ManifestCommand> | undefined {
  let manifest: { commands?: Record<string, ManifestCommand> };
  try {
    manifest = JSON.parse(readFileSync(join(packageRoot, 'oclif.manifest.json'), 'utf8')) as typeof manifest;
  } catch {
    return undefined; // oclif's Config reports a broken manifest
  }
  const byId = new Map<string, ManifestCommand>();
  for (const [id, command] of Object.entries(manifest.commands ?? {})) {
    byId.set(id, command);
    for (const alias of command.aliases ?? []) byId.set(alias, command);
  }
  return byId;
}

/** Imports a built-in command's module now; the router's own import then finds it loaded. */
function prefetch(command: ManifestCommand): void {
  if (!command.relativePath) return;
  import(pathToFileURL(join(packageRoot, ...command.relativePath)).href).catch(() => {});
}
