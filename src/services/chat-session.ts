import { createInterface } from 'node:readline';
import type { Conversation } from '../models/conversation.js';
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
}

/**
 * An interactive chat: one conversation for the whole session. `exit` or `quit` ends it, as does
 * end of input; `!multi` starts multi-line input, ended by `!end` (`!multi x` ends at `!end x`).
 */
export async function runChat(settings: ChatSettings): Promise<Conversation> {
  const { model, output } = settings;
  const conversation = settings.conversation ?? model.conversation();
  output.write(`Chatting with ${model.id}\nType 'exit' or 'quit' to exit\nType '!multi' to enter multiple lines, then '!end' to finish\n`);
  const lines = createInterface({ input: settings.input, terminal: false });
  const iterator = lines[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    output.write(prompt);
    const next = await iterator.next();
    return next.done ? undefined : next.value;
  };
  let system = settings.system;
  const tools = settings.tools?.(ask);
  try {
    for (;;) {
      let text = await ask('> ');
      if (text === undefined) break;
      const trimmed = text.trim();
      if (trimmed === 'exit' || trimmed === 'quit') break;
      if (trimmed.startsWith('!multi')) {
        const end = `!end${trimmed.slice('!multi'.length)}`.trim();
        const body: string[] = [];
        for (;;) {
          const line = await ask('');
          if (line === undefined || line.trim() === end) break;
          body.push(line);
        }
        text = body.join('\n');
      }
      if (text.trim() === '') continue;
      const turn = settings.turnSignal();
      const written = { printed: false };
      try {
        const options: PromptOptions = { system, options: settings.options, key: settings.key, stream: settings.stream, signal: turn.signal, log: settings.log };
        const prompt = settings.transform ? settings.transform(text) : text;
        await writeResponse(tools ? conversation.chain(prompt, { ...options, ...tools }) : conversation.prompt(prompt, options), output, written);
        system = undefined;
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
