import { readArgv, matchCommand } from '../util/command-words.js';
import { startHostEarly } from './host.js';
import { builtinCommands, importBuiltin, type ManifestCommand } from './manifest.js';
import type { RunConfigs } from './run-configs.js';

/**
 * Starts, before the router runs, the work this run will surely need, so that it overlaps the
 * router's own loading instead of following it: the module of the built-in command that argv
 * names, the help's config and module for any help, and the plugin host where the router or the
 * command will ask for it at once (any help, a plugin command, a prompt). Nothing here decides anything: the
 * router still routes; a guess that does not match only costs the time spent on it.
 */
export function startEarly(rawArgv: readonly string[], run: RunConfigs): void {
  const { help, words } = readArgv(rawArgv);
  // Every help lists the commands plugins register.
  if (help || (words.length === 0 && process.stdin.isTTY)) {
    run.forHelp().catch(() => {}); // the router awaits it and reports a failure
    import('./help.js').catch(() => {});
    return startHostEarly();
  }
  const first = words[0];
  if (first === undefined) return;
  const commands = builtinCommands()?.byId;
  if (!commands) return;
  const builtin = matchCommand(words, (id) => commands.get(id.replaceAll(' ', ':')));
  if (builtin) return prefetch(builtin.command);
  // Not a built-in: a plugin command or a prompt, and the router loads the host for either.
  startHostEarly();
  const surelyPrompt = first.startsWith('-') || /\s/.test(first);
  if (surelyPrompt && commands.get('prompt')) prefetch(commands.get('prompt')!);
}

/** Imports a built-in command's module now; the router's own import then finds it loaded. */
function prefetch(command: ManifestCommand): void {
  if (command.relativePath) importBuiltin(command).catch(() => {});
}
