import type { Config } from '@oclif/core/config';
import { settings } from '@oclif/core/settings';
import { InterruptedError } from '../errors.js';
import { matchCommand, readArgv } from '../util/command-words.js';
import { Command } from './command.js';
import { hostFor } from './host.js';
import { importBuiltin } from './manifest.js';
import { quiesceJit } from './quiesce-jit.js';
import { reportError } from './report-error.js';
import { RunConfigs } from './run-configs.js';
import { startEarly } from './start-early.js';

/**
 * Runs the CLI (all but `--version`). Routes argv itself rather than through oclif's `run()`, which would join unknown
 * words into a colon id (`llm tell me` -> `tell:me`): built-in commands go to oclif; otherwise
 * the plugin host loads and a plugin command is matched by its leading words; anything else is a
 * prompt (`llm "..."` is `llm prompt "..."`).
 */
export async function dispatchCli(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return;
    quiesceJit();
    process.exit(process.exitCode ?? 0);
  });
  let exitNow = false;
  try {
    // Never look for TypeScript sources: dist/ is what runs, in development and in tests too.
    settings.enableAutoTranspile = false;
    const run = new RunConfigs();
    startEarly(argv, run);
    exitNow = (await dispatch(argv, run)) === PROMPT_DONE;
  } catch (error) {
    exitNow = error instanceof InterruptedError;
    reportError(error);
  } finally {
    // All of the output goes out before the process ends (as oclif's flush, which also writes an
    // empty chunk and arms a timer even when nothing waits).
    await drained(process.stdout, FLUSH_TIMEOUT_MS);
  }
  quiesceJit();
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

/** How long the end of a run waits for stdout to take what was written (a reader that stopped reading). */
const FLUSH_TIMEOUT_MS = 10_000;

/**
 * Resolves once what was written to `stream` has gone out (at once where writes are synchronous,
 * as they are to files and pipes on Linux), or after `timeoutMs`.
 */
function drained(stream: NodeJS.WriteStream, timeoutMs?: number): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs).unref();
    stream.once('drain', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function dispatch(rawArgv: readonly string[], run: RunConfigs): Promise<typeof PROMPT_DONE | void> {
  const { argv, help, words } = readArgv(rawArgv);
  if (help && (words.length === 0 || words[0]!.startsWith('-'))) return showHelp(await run.forHelp(), []);
  if (argv.length === 0 && process.stdin.isTTY) return showHelp(await run.forHelp(), []);

  const config = await run.forOwnCommands();
  const builtin = matchCommand(words, (id) => config.findCommand(id.replaceAll(' ', ':')) ?? undefined);
  if (builtin) {
    if (help) return showHelp(await run.forHelp(), [builtin.id]);
    await Command.runWith(await importBuiltin(builtin.command), builtin.argv, config);
    return builtin.id === 'prompt' ? PROMPT_DONE : undefined;
  }
  if (words[0] && !words[0].startsWith('-')) {
    const llm = await hostFor(config);
    const commands = llm.commands(builtinIds(config));
    const found = commands.match(words);
    if (found) {
      if (help) return showHelp(await run.forHelp(), [found.command.id]);
      // A command of llm's own plugins runs with the config llm's commands get; any other plugin's
      // command gets oclif's own, as a plugin author reading oclif's documentation expects.
      const own = llm.plugins.find((plugin) => plugin.name === found.command.plugin)?.kind === 'default';
      await Command.runWith(await found.command.load(), found.argv, own ? config : await run.oclif());
      return;
    }
    if (commands.topicOf(words[0]).length > 0) return showHelp(await run.forHelp(), [words[0]]);
  }
  if (help) return showHelp(await run.forHelp(), ['prompt']);
  await Command.runWith(await importBuiltin(config.findCommand('prompt')!), argv, config);
  return PROMPT_DONE;
}

/** Space-separated ids of the built-in commands. */
export function builtinIds(config: { readonly commandIDs: readonly string[] }): Set<string> {
  return new Set(config.commandIDs.map((id) => id.replaceAll(':', ' ')));
}

/**
 * Shows llm's help (the class package.json names as oclif's `helpClass`), imported as a module of
 * this build rather than found by oclif's module loader.
 */
async function showHelp(config: Config, subject: string[]): Promise<void> {
  const { default: LlmHelp } = await import('./help.js');
  const help = new LlmHelp(config, config.pjson.oclif.helpOptions ?? {});
  await help.showHelp(subject);
}
