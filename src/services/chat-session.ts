import { createInterface } from 'node:readline';
import { messageOf } from '../errors.js';
import type { Attachment } from '../models/attachment.js';
import type { Conversation } from '../models/conversation.js';
import type { Fragment } from '../models/fragment.js';
import type { Model, PromptOptions } from '../models/model.js';
import type { ResponseInit } from '../models/response.js';
import type { Ask, CliToolOptions } from './cli-tools.js';
import { writeResponse } from './write-response.js';

/** How a chat runs. */
export interface ChatSettings {
  readonly model: Model;
  /** Sent with the first turn; it stays in the conversation's history after that. */
  readonly system?: string | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  /** Turns each line typed into the prompt sent (`llm chat -t`). */
  readonly transform?: ((line: string) => string) | undefined;
  readonly key?: string | undefined;
  readonly stream: boolean;
  /** Continue this conversation instead of starting a new one. */
  readonly conversation?: Conversation | undefined;
  /** How each turn is logged (e.g. `{ database }` for `-d`); default: the usual log. */
  readonly log?: ResponseInit['log'];
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /**
   * The tools the user named (`-T`, `--functions`): each turn is then a chain. Built once the chat
   * can ask its own questions (`--ta` asks at the chat's prompt).
   */
  readonly tools?: ((ask: Ask) => CliToolOptions | undefined) | undefined;
  /** A fresh signal for each turn; aborted by Ctrl-C while the model is answering. */
  readonly turnSignal: () => { signal: AbortSignal; done: () => void };
  /** Sent with the first line (`-a`, `--at`, and attachments `-f` loaders returned). */
  readonly attachments?: readonly Attachment[] | undefined;
  /** Placed before the first line (`-f`). */
  readonly fragments?: readonly Fragment[] | undefined;
  /** Placed before the system prompt, with the first line (`--sf`). */
  readonly systemFragments?: readonly Fragment[] | undefined;
  /**
   * Resolves the references of a `!fragment REF ...` line (fragments, and attachments a loader
   * returned); without it, `!fragment` lines are sent as typed.
   */
  readonly loadFragments?: ((references: string[]) => Promise<ChatExtras>) | undefined;
  /** Where a `!fragment` line that fails says why (default: `output`); the chat goes on. */
  readonly errors?: NodeJS.WritableStream | undefined;
}

/** Fragments and attachments that go with one line. */
export interface ChatExtras {
  readonly fragments: readonly Fragment[];
  readonly attachments: readonly Attachment[];
}

/** A `!fragment REF [REF ...]` line: the references, or undefined for any other line. */
function fragmentCommand(line: string): string[] | undefined {
  const match = /^\s*!fragment(?:\s+(.*))?$/.exec(line);
  return match ? (match[1] ?? '').split(/\s+/).filter(Boolean) : undefined;
}

/**
 * An interactive chat: one conversation for the whole session. `exit` or `quit` ends it, as does
 * end of input; `!multi` starts multi-line input, ended by `!end` (`!multi x` ends at `!end x`).
 */
export async function runChat(settings: ChatSettings): Promise<Conversation> {
  const { model, output } = settings;
  const conversation = settings.conversation ?? model.conversation();
  output.write(`Chatting with ${model.id}\nType 'exit' or 'quit' to exit\nType '!multi' to enter multiple lines, then '!end' to finish\n`);
  if (settings.loadFragments) output.write("Type '!fragment <my_fragment> [<another_fragment> ...]' to insert one or more fragments\n");
  const errors = settings.errors ?? output;
  const lines = createInterface({ input: settings.input, terminal: false });
  const iterator = lines[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    output.write(prompt);
    const next = await iterator.next();
    return next.done ? undefined : next.value;
  };
  // The system prompt, -f, --sf and -a go with the first line sent; !fragment adds to one line.
  let system = settings.system;
  let first: ChatExtras & { systemFragments: readonly Fragment[] } = {
    fragments: settings.fragments ?? [],
    attachments: settings.attachments ?? [],
    systemFragments: settings.systemFragments ?? [],
  };
  /** The fragments and attachments of a `!fragment` line; undefined (said on `errors`) if one fails. */
  const load = async (references: string[]): Promise<ChatExtras | undefined> => {
    if (references.length === 0) {
      errors.write('Error: !fragment needs one or more fragments: !fragment NAME [NAME ...] (a path, URL, hash, alias or prefix:argument).\n');
      return undefined;
    }
    try {
      return await settings.loadFragments!(references);
    } catch (error) {
      errors.write(`Error: ${messageOf(error)}\n`);
      return undefined;
    }
  };
  const tools = settings.tools?.(ask);
  try {
    for (;;) {
      let text = await ask('> ');
      if (text === undefined) break;
      const trimmed = text.trim();
      if (trimmed === 'exit' || trimmed === 'quit') break;
      const added = { fragments: [] as Fragment[], attachments: [] as Attachment[] };
      const addFragments = async (references: string[]): Promise<boolean> => {
        const loaded = await load(references);
        if (loaded) {
          added.fragments.push(...loaded.fragments);
          added.attachments.push(...loaded.attachments);
        }
        return loaded !== undefined;
      };
      if (trimmed.startsWith('!multi')) {
        const end = `!end${trimmed.slice('!multi'.length)}`.trim();
        const body: string[] = [];
        for (;;) {
          const line = await ask('');
          if (line === undefined || line.trim() === end) break;
          const references = settings.loadFragments && fragmentCommand(line);
          if (references) await addFragments(references);
          else body.push(line);
        }
        text = body.join('\n');
      } else {
        const references = settings.loadFragments && fragmentCommand(text);
        if (references) {
          if (!(await addFragments(references))) continue;
          text = '';
        }
      }
      if (text.trim() === '' && added.fragments.length === 0 && added.attachments.length === 0) continue;
      const turn = settings.turnSignal();
      const written = { printed: false };
      try {
        const options: PromptOptions = {
          system,
          systemFragments: first.systemFragments,
          fragments: [...first.fragments, ...added.fragments],
          attachments: [...first.attachments, ...added.attachments],
          options: settings.options,
          key: settings.key,
          stream: settings.stream,
          signal: turn.signal,
          log: settings.log,
        };
        const prompt = settings.transform ? settings.transform(text) : text;
        await writeResponse(tools ? conversation.chain(prompt, { ...options, ...tools }) : conversation.prompt(prompt, options), output, written);
        system = undefined;
        first = { fragments: [], attachments: [], systemFragments: [] };
      } catch (error) {
        if (!turn.signal.aborted) throw error;
        // writeResponse ended a partial answer's line; Ctrl-C before any text still needs one.
        if (!written.printed) output.write('\n');
      } finally {
        turn.done();
      }
    }
  } finally {
    lines.close();
  }
  return conversation;
}
