import { foldMessages, toMessages, type BotInput } from './messages.js';
import { noteBotModel } from './definitions.js';
import { currentRun, type RunContext } from './run-context.js';
import { Conversation, LlmError, Model, Prompt, Response, type Usage } from 'llm-host';
import { newId, sharedLlm } from './core.js';

/** How a bot talks to its model. */
export interface BotOptions {
  /** A model, or a model id or alias (resolved by the running host); default: the default model. */
  readonly model?: Model | string;
  /** The name the run's log keeps it under (default: the model's id). */
  readonly name?: string;
  /** The system prompt, before any system messages it is sent. */
  readonly system?: string;
  /** Model options, e.g. `{ temperature: 0.2 }`; checked against the model's options schema. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** An API key, or the name of a stored key. */
  readonly key?: string;
  /** Answer from the log when it has the same request (see `ResponseInit.cache`); default: as the experiment's `cache`. */
  readonly cache?: boolean | { readonly ttlMs?: number };
}

/**
 * A bot's answer: await it for the finished `Response` (its id, usage, duration), or call
 * `text()` / `json()` / `usage()` straight away: `await writer(pitch({ product })).text()`.
 * The request starts when the bot is called.
 */
export class BotReply implements PromiseLike<Response> {
  readonly #response: Promise<Response>;

  constructor(response: Promise<Response>) {
    this.#response = response;
    // Whoever awaits sees the failure; an unawaited reply must not crash the process.
    response.catch(() => {});
  }

  then<A = Response, B = never>(onFulfilled?: ((value: Response) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#response.then(onFulfilled, onRejected);
  }

  /** The reply's text. */
  async text(): Promise<string> {
    return (await this.#response).text();
  }

  /** The reply parsed as JSON. */
  async json<T = unknown>(): Promise<T> {
    return (await this.#response).json<T>();
  }

  /** The token usage the model reported. */
  async usage(): Promise<Usage> {
    return (await this.#response).usage();
  }
}

/** A bot: call it with messages; it answers with one response. */
export interface Bot {
  (...messages: BotInput[]): BotReply;
  /** The name the run's log keeps it under (the model's id if none was given). */
  readonly botName: string | undefined;
  readonly settings: BotOptions;
}

/**
 * A bot: `bot({ model: 'gpt-4o-mini', system: 'You are terse', options: { temperature: 0 } })`
 * returns a function that sends messages (from prompt functions, `{ role, content }` objects or
 * strings) to the model and answers with its response. Inside an experiment run it records
 * itself (name, model, system prompt, options) and its responses in the run's log, and its
 * requests stop when the run is cancelled or times out.
 */
export function bot(settings: BotOptions = {}): Bot {
  checkBotOptions(settings, 'bot');
  noteBotModel(settings.model);
  const call = (...inputs: BotInput[]): BotReply => {
    const run = currentRun();
    const reply = (async () => {
      const messages = toMessages(inputs);
      const folded = foldMessages(messages, settings.system);
      const model = await resolveModel(settings.model, run);
      // The system prompt as sent: the bot's own joined with any system messages (prompt functions).
      const name = run?.recordBot({ name: settings.name ?? model.id, model: model.id, system: folded.system, options: settings.options ?? {}, kind: 'bot' });
      const conversation = folded.history.length > 0 ? restoredConversation(model, folded.system, folded.history) : undefined;
      const response = model.prompt(folded.prompt, {
        system: folded.system,
        options: settings.options,
        key: settings.key,
        ...(settings.cache === undefined ? {} : { cache: settings.cache }),
        conversation,
        ...(run ? { signal: run.signal, log: run.log } : {}),
      });
      run?.recordResponse(response, name);
      await response.text();
      return response;
    })();
    return new BotReply(reply);
  };
  return Object.defineProperties(call, {
    botName: { value: settings.name, enumerable: true },
    settings: { value: Object.freeze({ ...settings }), enumerable: true },
  }) as Bot;
}

/** A model instance as it is, else the model by name from the run's host (or the library's shared one). */
export async function resolveModel(model: Model | string | undefined, run: RunContext | undefined): Promise<Model> {
  if (model instanceof Model || (model && typeof model === 'object' && typeof (model as Model).prompt === 'function')) return model as Model;
  if (run) return run.getModel(model);
  return (await sharedLlm()).getModel(model);
}

/** Checks a bot's settings once, where it is defined, so a typo fails before any run. */
export function checkBotOptions(settings: BotOptions, what: string): void {
  if (!settings || typeof settings !== 'object') throw new LlmError(`${what}() takes an object of settings (got ${typeof settings})`);
  const { model, name, system, options } = settings;
  if (model !== undefined && typeof model !== 'string' && !(model && typeof (model as Model).prompt === 'function')) {
    throw new LlmError(`${what}: model must be a model id, an alias or a Model (got ${typeof model})`);
  }
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) throw new LlmError(`${what}: name must be a non-empty string`);
  if (system !== undefined && typeof system !== 'string') throw new LlmError(`${what}: system must be a string (got ${typeof system})`);
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new LlmError(`${what}: options must be an object such as { temperature: 0.2 }`);
  }
}

/** A conversation whose earlier turns are the given exchanges (they are not logged again). */
function restoredConversation(model: Model, system: string | undefined, history: FoldedHistory): Conversation {
  const conversation = new Conversation(model);
  for (const [index, turn] of history.entries()) {
    conversation.responses.push(
      Response.restore({ id: newId(), prompt: new Prompt(turn.prompt, model, { system: index === 0 ? system : undefined }), text: turn.reply, conversation }),
    );
  }
  return conversation;
}

type FoldedHistory = ReturnType<typeof foldMessages>['history'];
