import { Config, flush, loadHelpClass } from '@oclif/core';
import { packageRoot } from '../package-info.js';
import { matchCommand, splitHelp } from '../util/command-words.js';
import { hostFor } from './host.js';
import { reportError } from './report-error.js';

/**
 * Runs the CLI. Routes argv itself rather than through oclif's `run()`, which would join unknown
 * words into a colon id (`llm tell me` -> `tell:me`): built-in commands go to oclif; otherwise
 * the plugin host loads and a plugin command is matched by its leading words; anything else is a
 * prompt (`llm "..."` is `llm prompt "..."`).
 */
export async function main(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  try {
    const config = await Config.load({ root: packageRoot });
    await dispatch([...argv], config);
  } catch (error) {
    reportError(error);
  } finally {
    await flush().catch(() => {});
  }
}

async function dispatch(rawArgv: string[], config: Config): Promise<void> {
  if (rawArgv[0] === '--version' || rawArgv[0] === '-v') {
    process.stdout.write(`${config.userAgent}\n`);
    return;
  }
  const argv = rawArgv[0] === 'help' ? [...rawArgv.slice(1), '--help'] : rawArgv;
  const { help, argv: withoutHelp } = splitHelp(argv);
  if (help && (withoutHelp.length === 0 || withoutHelp[0]!.startsWith('-'))) return showHelp(config, []);
  if (argv.length === 0 && process.stdin.isTTY) return showHelp(config, []);

  const builtin = matchCommand(withoutHelp, (id) => config.findCommand(id.replaceAll(' ', ':')) ?? undefined);
  if (builtin) {
    if (help) return showHelp(config, [builtin.id]);
    await config.runCommand(builtin.command.id, builtin.argv);
    return;
  }
  if (withoutHelp[0] && !withoutHelp[0].startsWith('-')) {
    const llm = await hostFor(config);
    const commands = llm.commands(builtinIds(config));
    const found = commands.match(withoutHelp);
    if (found) {
      if (help) return showHelp(config, [found.command.id]);
      const command = await found.command.load();
      await command.run(found.argv, config);
      return;
    }
    if (commands.topicOf(withoutHelp[0]).length > 0) return showHelp(config, [withoutHelp[0]]);
  }
  if (help) return showHelp(config, ['prompt']);
  await config.runCommand('prompt', argv);
}

/** Space-separated ids of the built-in commands. */
export function builtinIds(config: { readonly commandIDs: readonly string[] }): Set<string> {
  return new Set(config.commandIDs.map((id) => id.replaceAll(':', ' ')));
}

async function showHelp(config: Config, subject: string[]): Promise<void> {
  const Help = await loadHelpClass(config);
  const help = new Help(config, config.pjson.oclif.helpOptions ?? {});
  await help.showHelp(subject);
}
