import { LlmError } from '../errors.js';
import { ChangeSignal } from '../util/change-signal.js';
import type { Conversation } from './conversation.js';
import type { Model, PromptOptions } from './model.js';
import type { Response, Usage } from './response.js';
import type { ToolCall } from './tool.js';
import { executeToolCalls, toTools, type AfterCall, type BeforeCall, type ToolLike } from './tool-runner.js';

/** How many replies a chain may take by default before it stops with an error. */
export const DEFAULT_CHAIN_LIMIT = 5;

/** Options for `model.chain()` and `conversation.chain()`. */
export interface ChainOptions extends Omit<PromptOptions, 'tools' | 'toolResults'> {
  /** The tools the model may call: `defineTool`s, Toolbox instances, llmFunctions, llmStrategy members. */
  readonly tools?: readonly ToolLike[] | undefined;
  /** At most this many replies (default 5); 0 for no limit. */
  readonly chainLimit?: number | undefined;
  /** Called before each tool runs; throw `CancelToolCall` to skip it. */
  readonly beforeCall?: BeforeCall | undefined;
  /** Called after each tool ran, with its result. */
  readonly afterCall?: AfterCall | undefined;
}

/** The chain went on longer than its limit. */
export class ChainLimitError extends LlmError {
  constructor(readonly limit: number) {
    super(`The model was still calling tools after ${limit} replies (the chain limit). Raise it with --chain-limit N (0 for no limit), or ask for less.`);
  }
}

/**
 * A prompt with tools: the model asks for tools, they run (the calls of one reply concurrently),
 * their results go back in the next prompt, until the model answers without calling a tool. Every
 * reply is a `Response` of one conversation, logged as it finishes. Lazy like a response: nothing
 * runs until it is read. Iterating it yields the text of every reply as it streams.
 */
export class ChainResponse implements AsyncIterable<string> {
  /** The conversation every reply of the chain belongs to. */
  readonly conversation: Conversation;
  private readonly list: Response[] = [];
  private running: Promise<void> | undefined;
  private readonly pieces: string[] = [];
  private failure: unknown;
  private ended = false;
  private readonly signal = new ChangeSignal();

  constructor(
    readonly model: Model,
    /** The first prompt's text. */
    readonly prompt: string,
    private readonly options: ChainOptions = {},
    conversation?: Conversation,
  ) {
    this.conversation = conversation ?? options.conversation ?? model.conversation();
  }

  /** Yields the text of every reply, as it arrives. */
  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    this.start();
    let index = 0;
    for (;;) {
      while (index < this.pieces.length) yield this.pieces[index++]!;
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return;
      await this.signal.changed;
    }
  }

  /** The text of every reply, joined. */
  async text(): Promise<string> {
    await this.done();
    return this.pieces.join('');
  }

  /** Every reply, in order, once the chain is finished. */
  async responses(): Promise<Response[]> {
    await this.done().catch(() => undefined);
    return [...this.list];
  }

  /** Token usage added up over every reply (details are the last reply's). */
  async usage(): Promise<Usage> {
    await this.done();
    let input: number | undefined;
    let output: number | undefined;
    let details: Usage['details'];
    for (const response of this.list) {
      const usage = await response.usage();
      if (usage.input !== undefined) input = (input ?? 0) + usage.input;
      if (usage.output !== undefined) output = (output ?? 0) + usage.output;
      if (usage.details) details = usage.details;
    }
    return { ...(input !== undefined ? { input } : {}), ...(output !== undefined ? { output } : {}), ...(details ? { details } : {}) };
  }

  /** The last reply parsed as JSON (and checked against the schema, if the prompt had one). */
  async json<T = unknown>(): Promise<T> {
    await this.done();
    return this.list.at(-1)!.json<T>();
  }

  /** Every tool call of every reply, in order. */
  async toolCalls(): Promise<ToolCall[]> {
    const responses = await this.responses();
    return responses.flatMap((response) => [...response.toolCallsSoFar]);
  }

  /** Waits until every reply is complete and logged; throws if the chain failed. */
  async done(): Promise<void> {
    this.start();
    await this.running;
  }

  private start(): void {
    if (this.running) return;
    this.running = this.run().then(
      () => {
        this.ended = true;
        this.notify();
      },
      (error: unknown) => {
        this.failure = error;
        this.notify();
        throw error;
      },
    );
    this.running.catch(() => {});
  }

  private notify(): void {
    this.signal.notify();
  }

  private async run(): Promise<void> {
    const { tools: toolLikes, chainLimit, beforeCall, afterCall, conversation: _conversation, ...promptOptions } = this.options;
    const tools = toTools(toolLikes ?? []);
    const limit = chainLimit ?? DEFAULT_CHAIN_LIMIT;
    let response = this.conversation.prompt(this.prompt, { ...promptOptions, tools });
    for (let count = 1; ; count++) {
      this.list.push(response);
      // Replies follow each other on a line of their own.
      let separate = this.pieces.length > 0 && !this.pieces.at(-1)!.endsWith('\n');
      for await (const chunk of response) {
        this.pieces.push(separate ? `\n${chunk}` : chunk);
        separate = false;
        this.notify();
      }
      await response.done();
      const calls = await response.toolCalls();
      if (calls.length === 0) return;
      if (limit > 0 && count >= limit) throw new ChainLimitError(limit);
      const toolResults = await executeToolCalls(calls, tools, { beforeCall, afterCall, signal: promptOptions.signal });
      // As in the Python llm, attachments the tools returned go to the model with the next prompt.
      const attachments = toolResults.flatMap((result) => result.attachments ?? []);
      response = this.conversation.prompt('', {
        options: promptOptions.options,
        schema: promptOptions.schema,
        key: promptOptions.key,
        stream: promptOptions.stream,
        signal: promptOptions.signal,
        log: promptOptions.log,
        tools,
        toolResults,
        ...(attachments.length > 0 ? { attachments } : {}),
      });
    }
  }
}
