import type { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { CommandHelp, Help } from '@oclif/core/help';
import type * as Interfaces from '@oclif/core/interfaces';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, messageOf } from '../errors.js';
import type { RegisteredCommand } from '../host/commands-registry.js';
import { createLlm } from '../host/llm.js';
import { packageRoot } from '../package-info.js';
import { compareIds, matchCommand } from '../util/command-words.js';
import { hostFor, warnUser } from './host.js';
import { builtinIds } from './dispatch.js';

/**
 * oclif's help, taught about commands that plugins register at run time: they are listed in
 * `llm --help` beside the built-in ones, and `llm <plugin command> --help` shows their flags.
 */
export default class LlmHelp extends Help {
  override CommandHelpClass = LlmCommandHelp;
  private pluginCommands: Command.Loadable[] = [];
  private pluginTopics: Interfaces.Topic[] = [];

  constructor(...args: ConstructorParameters<typeof Help>) {
    super(...args);
    this.render = templatesOnly(this.render);
  }

  override async showHelp(argv: string[]): Promise<void> {
    await this.loadPluginCommands();
    const words = argv.filter((token) => !token.startsWith('-'));
    if (words.length === 0) return this.showRootHelp();
    const colon = (id: string) => id.replaceAll(' ', ':');
    const builtin = matchCommand(words, (id) => this.config.findCommand(colon(id)) ?? undefined);
    if (builtin) return this.showCommandHelp(builtin.command);
    const plugin = matchCommand(words, (id) => this.pluginCommands.find((c) => c.id === colon(id)));
    // A command's own help shows its flags: only now is its module loaded.
    if (plugin) return this.showCommandHelp(toLoadable(await plugin.command.load(), plugin.command.id, plugin.command.pluginName!));
    const topic = this.pluginTopics.find((t) => t.name === words[0]) ?? this.config.findTopic(words[0]!);
    if (topic) return this.showTopicHelp(topic);
    throw new UsageError(`Unknown command '${words.join(' ')}'. See 'llm --help'.`);
  }

  /** The root help: what llm is, the two ways to call it, then every command (plugins' too). */
  protected override async showRootHelp(): Promise<void> {
    this.log(this.formatRoot());
    this.log('');
    this.log(this.formatCommands(this.sortedCommands));
    this.log('');
    this.log(`Run '${this.config.bin} COMMAND --help' for a command's flags and examples.`);
  }

  override formatRoot(): string {
    const bin = this.config.bin;
    const usage = [
      `$ ${bin} [PROMPT...] [-m MODEL] [-s SYSTEM] [-o KEY VALUE...]   (same as ${bin} prompt)`,
      `$ ${bin} COMMAND`,
    ];
    return [
      this.config.pjson.description ?? '',
      this.section('VERSION', this.config.userAgent),
      this.section('USAGE', usage.join('\n')),
      this.section('EXAMPLES', [`$ ${bin} -m echo "Hello from a fresh machine"`, `$ ${bin} models --options`, `$ cat notes.txt | ${bin} "Summarize these notes"`].join('\n')),
    ].join('\n\n');
  }

  protected override get sortedCommands(): Command.Loadable[] {
    return [...super.sortedCommands, ...this.pluginCommands].sort((a, b) => compareIds(a.id, b.id));
  }

  protected override get sortedTopics(): Interfaces.Topic[] {
    const names = new Set(super.sortedTopics.map((t) => t.name));
    return [...super.sortedTopics, ...this.pluginTopics.filter((t) => !names.has(t.name))].sort((a, b) => compareIds(a.name, b.name));
  }

  private async loadPluginCommands(): Promise<void> {
    try {
      const llm = await hostFor(this.config);
      const registered = llm.commands(builtinIds(this.config)).list();
      const summaries = readCommandSummaries();
      const isDefault = new Set(llm.plugins.filter((p) => p.kind === 'default').map((p) => p.name));
      this.pluginCommands = await Promise.all(
        registered.map(async (c) => {
          const known = isDefault.has(c.plugin) ? summaries?.[summaryKey(c.plugin, c.id)] : undefined;
          return known ? summaryLoadable(known, c) : toLoadable(await c.load(), c.id, c.plugin);
        }),
      );
    } catch (error) {
      warnUser(`plugin commands are missing from this help: ${messageOf(error)}`);
      return;
    }
    const topics = new Map<string, Interfaces.Topic>();
    for (const command of this.pluginCommands) {
      const parts = command.id.split(':');
      for (let depth = 1; depth < parts.length; depth++) {
        const name = parts.slice(0, depth).join(':');
        const index = this.pluginCommands.find((c) => c.id === name);
        if (!topics.has(name)) topics.set(name, { name, description: index?.summary ?? `Commands from plugin ${command.pluginName}` });
      }
    }
    this.pluginTopics = [...topics.values()];
  }
}

/** A command's help with its description as written (the summary is already shown above it). */
class LlmCommandHelp extends CommandHelp {
  constructor(...args: ConstructorParameters<typeof CommandHelp>) {
    super(...args);
    this.render = templatesOnly(this.render);
  }

  protected override description(): string | undefined {
    return this.command.description ? this.wrap(this.command.description) : undefined;
  }
}

/**
 * oclif renders every summary, description and example through ejs, compiling each text as a
 * template (about a third of `llm --help`'s time): only texts with a tag (`<%= config.bin %>`)
 * need it; any other text renders to itself.
 */
function templatesOnly(render: (text: string) => string): (text: string) => string {
  return (text) => (text.includes('<%') ? render(text) : text);
}

/** What the help lists of a command: its summary (the build writes them for the default plugins). */
interface CommandSummary {
  readonly summary?: string | undefined;
  readonly description?: string | undefined;
  readonly hidden: boolean;
}

/** The file the build writes beside the default plugins, with their commands' summaries. */
export const COMMAND_SUMMARIES_FILE = join(packageRoot, 'dist', 'default-plugins', 'command-summaries.json');

const summaryKey = (plugin: string, id: string) => `${plugin} ${id}`;

/**
 * The summaries of the default plugins' commands, by plugin and id: listing them costs no import
 * of their modules (those of `llm logs`, `llm experiments`, `llm embed`... are ~40% of `llm
 * --help`). Missing (a build that did not write them), every command loads as before.
 */
export function readCommandSummaries(): Record<string, CommandSummary> | undefined {
  try {
    return JSON.parse(readFileSync(COMMAND_SUMMARIES_FILE, 'utf8')) as Record<string, CommandSummary>;
  } catch {
    return undefined;
  }
}

/**
 * The default plugins' command summaries, by plugin and id, read from their classes (with an empty
 * user directory: nothing of the user's is read).
 */
export async function commandSummaries(userDir: string): Promise<Record<string, CommandSummary>> {
  const fail = (message: string) => {
    throw new Error(message);
  };
  const llm = await createLlm({ userDir, env: {}, loadInstalled: false, warn: fail });
  const summaries: Record<string, CommandSummary> = {};
  for (const command of llm.commands(new Set()).list()) {
    const loaded = toLoadable(await command.load(), command.id, command.plugin);
    summaries[summaryKey(command.plugin, command.id)] = { summary: loaded.summary, description: loaded.description, hidden: loaded.hidden };
  }
  return summaries;
}

/** Writes COMMAND_SUMMARIES_FILE (`npm run build` calls it). */
export async function writeCommandSummaries(userDir: string): Promise<void> {
  writeFileSync(COMMAND_SUMMARIES_FILE, JSON.stringify(await commandSummaries(userDir), null, 2) + '\n');
}

/** A plugin command as the help lists it, from its summary; `load` imports the class. */
function summaryLoadable(known: CommandSummary, command: RegisteredCommand): Command.Loadable {
  return {
    id: command.id.replaceAll(' ', ':'),
    aliases: [],
    hiddenAliases: [],
    hidden: known.hidden,
    summary: known.summary,
    description: known.description,
    flags: {},
    args: {},
    pluginName: command.plugin,
    pluginType: 'user',
    load: () => command.load(),
  } as unknown as Command.Loadable;
}

/** The shape oclif's help reads, made from a command class registered by a plugin. */
function toLoadable(command: Command.Class, id: string, pluginName: string): Command.Loadable {
  const flags: Record<string, unknown> = {
    ...(command.baseFlags ?? {}),
    ...(command.flags ?? {}),
    ...(command.enableJsonFlag ? { json: Flags.boolean({ description: 'Format output as json.', helpGroup: 'GLOBAL' }) } : {}),
  };
  const named = (record: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(record).map(([name, value]) => [name, { ...(value as object), name }]));
  return {
    id: id.replaceAll(' ', ':'),
    aliases: [],
    hiddenAliases: [],
    hidden: command.hidden ?? false,
    summary: command.summary,
    description: command.description,
    examples: command.examples,
    usage: command.usage,
    flags: named(flags),
    args: named((command.args ?? {}) as Record<string, unknown>),
    pluginName,
    pluginType: 'user',
    strict: command.strict,
    load: async () => command,
  } as unknown as Command.Loadable;
}
