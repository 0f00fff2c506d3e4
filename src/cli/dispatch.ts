import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command as OclifCommand } from '@oclif/core/command';
import { Config } from '@oclif/core/config';
import { flush } from '@oclif/core/flush';
import { settings } from '@oclif/core/settings';
import { InterruptedError } from '../errors.js';
import { packageRoot } from '../package-info.js';
import { matchCommand, splitHelp } from '../util/command-words.js';
import { commonJsExports } from '../util/interop.js';
import { Command } from './command.js';
import { hostFor } from './host.js';
import { reportError } from './report-error.js';
import { startEarly } from './start-early.js';

/**
 * Runs the CLI (all but `--version`). Routes argv itself rather than through oclif's `run()`, which would join unknown
 * words into a colon id (`llm tell me` -> `tell:me`): built-in commands go to oclif; otherwise
 * the plugin host loads and a plugin command is matched by its leading words; anything else is a
 * prompt (`llm "..."` is `llm prompt "..."`).
 */
export async function dispatchCli(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  let exitNow = false;
  try {
    // Never look for TypeScript sources: dist/ is what runs, in development and in tests too.
    settings.enableAutoTranspile = false;
    startEarly(argv);
    const config = await Config.load({ root: packageRoot });
    exitNow = (await dispatch([...argv], config)) === PROMPT_DONE;
  } catch (error) {
    exitNow = error instanceof InterruptedError;
    reportError(error);
  } finally {
    await flush().catch(() => {});
  }
  // Ctrl-C stops at once, and so does a prompt once its reply is printed and logged: work left
  // running (a tool's timers or sockets, idle keep-alive connections) must not keep the process
  // alive, and exiting here skips tearing down the whole heap (~10 ms after the last chunk).
  if (exitNow) {
    await drained(process.stderr);
    process.exit(process.exitCode);
  }
}

/** What `dispatch` returns when it ran a prompt: the process may exit once output is flushed. */
const PROMPT_DONE = 'prompt done';

/** Resolves once what was written to `stream` has gone out (at once where writes are synchronous). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

async function dispatch(rawArgv: string[], config: Config): Promise<typeof PROMPT_DONE | void> {
  const argv = rawArgv[0] === 'help' ? [...rawArgv.slice(1), '--help'] : rawArgv;
  const { help, argv: withoutHelp } = splitHelp(argv);
  if (help && (withoutHelp.length === 0 || withoutHelp[0]!.startsWith('-'))) return showHelp(config, []);
  if (argv.length === 0 && process.stdin.isTTY) return showHelp(config, []);

  const builtin = matchCommand(withoutHelp, (id) => config.findCommand(id.replaceAll(' ', ':')) ?? undefined);
  if (builtin) {
    if (help) return showHelp(config, [builtin.id]);
    await Command.runWith(await loadBuiltin(builtin.command), builtin.argv, config);
    return builtin.id === 'prompt' ? PROMPT_DONE : undefined;
  }
  if (withoutHelp[0] && !withoutHelp[0].startsWith('-')) {
    const llm = await hostFor(config);
    const commands = llm.commands(builtinIds(config));
    const found = commands.match(withoutHelp);
    if (found) {
      if (help) return showHelp(config, [found.command.id]);
      await Command.runWith(await found.command.load(), found.argv, config);
      return;
    }
    if (commands.topicOf(withoutHelp[0]).length > 0) return showHelp(config, [withoutHelp[0]]);
  }
  if (help) return showHelp(config, ['prompt']);
  await Command.runWith(await loadBuiltin(config.findCommand('prompt')!), argv, config);
  return PROMPT_DONE;
}

/** Imports a built-in command from the file the manifest names. */
async function loadBuiltin(cached: OclifCommand.Loadable): Promise<OclifCommand.Class> {
  const file = (cached as { relativePath?: string[] }).relativePath;
  if (!file) return cached.load();
  const module = (await import(pathToFileURL(join(packageRoot, ...file)).href)) as { default: OclifCommand.Class };
  return module.default;
}

/** Space-separated ids of the built-in commands. */
export function builtinIds(config: { readonly commandIDs: readonly string[] }): Set<string> {
  return new Set(config.commandIDs.map((id) => id.replaceAll(':', ' ')));
}

async function showHelp(config: Config, subject: string[]): Promise<void> {
  const { loadHelpClass } = commonJsExports(await import('@oclif/core/help'));
  const Help = await loadHelpClass(config);
  const help = new Help(config, config.pjson.oclif.helpOptions ?? {});
  await help.showHelp(subject);
}
