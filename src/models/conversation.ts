import { newId } from '../util/ids.js';
import type { HistoryMessage } from './message.js';
import { ChainResponse, type ChainOptions } from './chain.js';
import type { Model, PromptOptions } from './model.js';
import type { Response } from './response.js';

/** A sequence of prompts to one model; each new prompt sends the earlier turns with it. */
export class Conversation {
  /** Lowercase ULID. */
  readonly id: string;
  /** A short name (the CLI and the log use the start of the first prompt). */
  name: string | undefined;
  /** The finished turns, oldest first. */
  readonly responses: Response[] = [];
  /**
   * Earlier history as structured messages, sent before `responses` (a thread the Python llm 0.32
   * logged: tool calls, results and attachments included). Empty for conversations of our own.
   */
  readonly history: HistoryMessage[] = [];

  constructor(
    /** The model the conversation is with. */
    readonly model: Model,
    init: { id?: string | undefined; name?: string | undefined; responses?: readonly Response[]; history?: readonly HistoryMessage[] } = {},
  ) {
    this.id = init.id ?? newId();
    this.name = init.name;
    this.responses.push(...(init.responses ?? []));
    this.history.push(...(init.history ?? []));
  }

  /** Prompts the model as the next turn. The response joins `responses` once it finishes. */
  prompt(text: string, options: Omit<PromptOptions, 'conversation'> = {}): Response {
    return this.model.prompt(text, { ...options, conversation: this });
  }

  /** Like `model.chain()`, as the next turns of this conversation. */
  chain(text: string, options: Omit<ChainOptions, 'conversation'> = {}): ChainResponse {
    return new ChainResponse(this.model, text, options, this);
  }
}
