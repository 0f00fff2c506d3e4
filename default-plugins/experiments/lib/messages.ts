import type { Message } from './prompt-function.js';
import { LlmError } from 'llm-host';

/** What a bot accepts: messages (from prompt functions or by hand), plain strings (user messages), or lists of them. */
export type BotInput = Message | string | readonly (Message | string)[];

/** Messages folded into what a model takes: a system prompt, earlier turns, and the prompt to answer. */
export interface FoldedMessages {
  readonly system: string | undefined;
  /** Earlier exchanges, oldest first: what the user said and what the assistant replied. */
  readonly history: readonly { readonly prompt: string; readonly reply: string }[];
  /** The user's text to answer now. */
  readonly prompt: string;
}

/** Flattens a bot's arguments into messages; a string is a user message. */
export function toMessages(inputs: readonly BotInput[]): Message[] {
  const messages: Message[] = [];
  for (const input of inputs.flat()) {
    if (typeof input === 'string') messages.push({ role: 'user', content: input });
    else if (input && typeof input === 'object' && typeof input.content === 'string' && ['system', 'user', 'assistant'].includes(input.role)) messages.push(input);
    else throw new LlmError(`a bot takes messages from prompt functions, { role, content } objects or strings (got ${describe(input)})`);
  }
  return messages;
}

/**
 * Folds messages into a system prompt (the bot's own, then every system message, in order),
 * earlier turns (user text closed by an assistant message) and the user text to answer.
 * Consecutive user messages are joined with a blank line.
 */
export function foldMessages(messages: readonly Message[], botSystem: string | undefined): FoldedMessages {
  const system: string[] = botSystem ? [botSystem] : [];
  const history: { prompt: string; reply: string }[] = [];
  let user: string[] = [];
  for (const message of messages) {
    if (message.role === 'system') system.push(message.content);
    else if (message.role === 'user') user.push(message.content);
    else {
      if (user.length === 0) throw new LlmError('an assistant message must follow a user message (the assistant replies to it)');
      history.push({ prompt: user.join('\n\n'), reply: message.content });
      user = [];
    }
  }
  if (user.length === 0) throw new LlmError('a bot needs a user message to reply to (after the last assistant message, if any)');
  return { system: system.length > 0 ? system.join('\n\n') : undefined, history, prompt: user.join('\n\n') };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
  return typeof value;
}
