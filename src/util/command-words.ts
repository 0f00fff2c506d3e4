/** Finds which command a user's words name: the longest run of leading words that is an id. */
export function matchCommand<T>(
  argv: readonly string[],
  lookup: (id: string) => T | undefined,
): { command: T; id: string; argv: string[] } | undefined {
  const words: string[] = [];
  for (const token of argv) {
    if (token.startsWith('-')) break;
    words.push(token);
  }
  for (let length = words.length; length > 0; length--) {
    const id = words.slice(0, length).join(' ');
    const command = lookup(id);
    if (command !== undefined) return { command, id, argv: argv.slice(length) };
  }
  return undefined;
}

const HELP_FLAGS = new Set(['--help', '-h']);

/** Whether argv asks for help (`--help` or `-h` before any `--`), and argv without those flags. */
export function splitHelp(argv: readonly string[]): { help: boolean; argv: string[] } {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const help = head.some((token) => HELP_FLAGS.has(token));
  if (!help) return { help, argv: [...argv] };
  return { help, argv: [...head.filter((token) => !HELP_FLAGS.has(token)), ...(end === -1 ? [] : argv.slice(end))] };
}

/**
 * How the CLI reads argv before routing: `llm help WORDS` is `llm WORDS --help`; `help` says
 * whether help is asked for, and `words` is argv without the help flags.
 */
export function readArgv(rawArgv: readonly string[]): { argv: string[]; help: boolean; words: string[] } {
  const argv = rawArgv[0] === 'help' ? [...rawArgv.slice(1), '--help'] : [...rawArgv];
  const { help, argv: words } = splitHelp(argv);
  return { argv, help, words };
}

/**
 * Orders command ids and topic names by code point, as oclif's own `sortBy` does. Not
 * `localeCompare`: its first call sets up ICU's collator, ~8-13 ms of every `llm --help`.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
