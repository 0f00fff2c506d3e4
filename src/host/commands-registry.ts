import type { Command } from '@oclif/core/command';
import { compareIds, matchCommand } from '../util/command-words.js';
import { PluginConflictError } from '../errors.js';

/** An oclif command class (extend `Command` from `llm-host/command`). */
export type CommandClass = Command.Class;

/** A function that imports a command class, so the command loads only when it runs. */
export type CommandLoader = () => Promise<CommandClass | { default: CommandClass }>;

/** What a plugin registers for a command: the class, or a loader for it. */
export type CommandEntry = CommandClass | CommandLoader;

/** A command a plugin registered. */
export interface RegisteredCommand {
  /** Space-separated id, e.g. `logs list`. */
  readonly id: string;
  /** Name of the plugin that registered it. */
  readonly plugin: string;
  /** Imports the command class. */
  load(): Promise<CommandClass>;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*( [a-z0-9][a-z0-9-]*)*$/;

/** Commands registered by plugins, looked up by the words a user typed. */
export class CommandRegistry {
  private readonly commands = new Map<string, RegisteredCommand>();

  constructor(
    /** Space-separated ids of the built-in commands, which plugins may not take. */
    private readonly builtinIds: ReadonlySet<string>,
  ) {}

  /** Adds a command; an id taken by a built-in or another plugin is an error naming both. */
  register(id: string, entry: CommandEntry, plugin: string): void {
    const normalized = id.trim().replaceAll(':', ' ').replace(/\s+/g, ' ');
    if (!ID_PATTERN.test(normalized)) {
      throw new PluginConflictError(`plugin ${plugin} registered an invalid command id '${id}' (use lowercase words, e.g. 'logs list')`);
    }
    if (typeof entry !== 'function') {
      throw new PluginConflictError(`plugin ${plugin} registered command '${normalized}' without a command class or loader`);
    }
    if (this.builtinIds.has(normalized)) {
      throw new PluginConflictError(`plugin ${plugin} registered command '${normalized}', which is a built-in command`);
    }
    const existing = this.commands.get(normalized);
    if (existing) {
      throw new PluginConflictError(
        `command '${normalized}' is registered by both plugin ${existing.plugin} and plugin ${plugin}; uninstall or disable one of them`,
      );
    }
    let loaded: Promise<CommandClass> | undefined;
    this.commands.set(normalized, {
      id: normalized,
      plugin,
      load: () => (loaded ??= loadCommand(entry).then((command) => withId(command, normalized))),
    });
  }

  /** The command whose id is the longest run of leading words in `argv`, and the rest of argv. */
  match(argv: readonly string[]): { command: RegisteredCommand; argv: string[] } | undefined {
    const found = matchCommand(argv, (id) => this.commands.get(id));
    return found && { command: found.command, argv: found.argv };
  }

  /** First words shared by plugin commands that are not commands themselves (`openai`). */
  topicOf(word: string): RegisteredCommand[] {
    return this.list().filter((command) => command.id.startsWith(word + ' '));
  }

  /** Every registered command, sorted by id. */
  list(): RegisteredCommand[] {
    return [...this.commands.values()].sort((a, b) => compareIds(a.id, b.id));
  }
}

function isCommandClass(entry: CommandEntry): entry is CommandClass {
  return typeof (entry as { prototype?: { run?: unknown } }).prototype?.run === 'function';
}

async function loadCommand(entry: CommandEntry): Promise<CommandClass> {
  if (isCommandClass(entry)) return entry;
  const loaded = await entry();
  const command = (loaded as { default?: CommandClass }).default ?? (loaded as CommandClass);
  if (!isCommandClass(command)) throw new Error('the command loader did not return a command class');
  return command;
}

function withId(command: CommandClass, id: string): CommandClass {
  // oclif reads the id from the class; plugin classes usually leave it unset.
  if (!command.id) command.id = id.replaceAll(' ', ':');
  return command;
}
