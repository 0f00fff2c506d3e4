import { sharedStorage } from '../../../src/util/shared-storage.js';
import type { MessageRole } from './prompt-function.js';
import { withConversationOrigin, withRequestBatcher, withResponseCache, type LogContext, type Model, type RequestBatcher, type Response, type ResponseCacheSettings } from 'llm-host';

/** A prompt function's template, as a run used it. */
export interface PromptUse {
  readonly name: string;
  readonly hash: string;
  readonly role: MessageRole;
  readonly template: string;
}

/** A bot, as a run used it. */
export interface BotUse {
  readonly name: string;
  /** The model's id. */
  readonly model: string;
  readonly system: string | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  /** `structured` for a structuredBot (its schema is kept too). */
  readonly kind: 'bot' | 'structured';
  readonly schema?: unknown;
}

/** A response a run made, and what made it: a bot's name, `metric:NAME`, or nothing known. */
export interface RunResponse {
  readonly response: Response;
  readonly source: string | undefined;
}

/** What every part of one run shares; the contexts of a run's phases point at the same one. */
interface RunState {
  readonly prompts: Map<string, PromptUse>;
  readonly bots: Map<string, BotUse>;
  readonly responses: Map<string, RunResponse>;
  readonly info: Record<string, unknown>;
}

/** What a run context is made from. */
export interface RunContextInit {
  /** The run's id (a ULID), as logged. */
  readonly id: string;
  /** Which execution this is, from 0. */
  readonly index: number;
  /** The experiment's input for this run, if it has inputs. */
  readonly input?: unknown;
  /** Aborted when the run times out or the experiment is cancelled. */
  readonly signal: AbortSignal;
  /** How the run's responses are logged (`false`: not at all). */
  readonly log: false | Partial<LogContext>;
  /** Resolves a model name the way the running host does. */
  readonly getModel: (name?: string) => Promise<Model>;
  /** How the run's responses use the response cache (an experiment salts it with the run index). */
  readonly cache?: ResponseCacheSettings | undefined;
  /** Where the run's model calls go in a batched experiment (`--batch`). */
  readonly batcher?: RequestBatcher | undefined;
}

/**
 * What one experiment run has done so far: the prompt templates and bots it used, the responses
 * it made, and free-form information. Each run has its own, held in AsyncLocalStorage, so runs
 * that execute concurrently never see each other's, and a nested experiment's runs shadow (and
 * never touch) their parent's.
 */
export class RunContext {
  readonly id: string;
  readonly index: number;
  readonly input: unknown;
  readonly signal: AbortSignal;
  readonly log: false | Partial<LogContext>;
  readonly getModel: (name?: string) => Promise<Model>;
  readonly cache: ResponseCacheSettings | undefined;
  readonly batcher: RequestBatcher | undefined;
  /** What made the responses of this phase of the run when no bot says (e.g. `metric:judge`). */
  readonly source: string | undefined;
  readonly #state: RunState;
  readonly #sources: WeakMap<Response, string>;

  constructor(init: RunContextInit, shared?: { state: RunState; sources: WeakMap<Response, string>; source: string | undefined }) {
    this.id = init.id;
    this.index = init.index;
    this.input = init.input;
    this.signal = init.signal;
    this.log = init.log;
    this.getModel = init.getModel;
    this.cache = init.cache;
    this.batcher = init.batcher;
    this.#state = shared?.state ?? { prompts: new Map(), bots: new Map(), responses: new Map(), info: {} };
    this.#sources = shared?.sources ?? new WeakMap();
    this.source = shared?.source;
  }

  /** The same run, for a phase whose responses come from `source` (a metric, say). */
  withSource(source: string): RunContext {
    return new RunContext(this, { state: this.#state, sources: this.#sources, source });
  }

  /** Prompt templates used: one entry per name and hash. */
  get prompts(): PromptUse[] {
    return [...this.#state.prompts.values()];
  }

  /** Bots used, by name. */
  get bots(): BotUse[] {
    return [...this.#state.bots.values()];
  }

  /** Responses made, in the order they were first seen. */
  get responses(): RunResponse[] {
    // A response answered from the cache takes the logged response's id after it was first seen:
    // it is one response, under its id now.
    const seen = new Set<Response>();
    return [...this.#state.responses.values()].filter((r) => !seen.has(r.response) && seen.add(r.response));
  }

  /** Free-form information added with `addRunInfo()`. */
  get info(): Readonly<Record<string, unknown>> {
    return this.#state.info;
  }

  /** Records that a prompt function rendered a template. */
  recordPrompt(use: PromptUse): void {
    const key = `${use.name}\0${use.hash}`;
    if (!this.#state.prompts.has(key)) this.#state.prompts.set(key, use);
  }

  /**
   * Records a bot; returns the name it is recorded under. A second, different bot with the same
   * name in one run is recorded as `name#2` (then `#3`...), so neither hides the other.
   */
  recordBot(use: BotUse): string {
    const same = (other: BotUse) =>
      other.model === use.model && other.system === use.system && other.kind === use.kind && stableJson(other.options) === stableJson(use.options);
    for (let n = 1; ; n++) {
      const name = n === 1 ? use.name : `${use.name}#${n}`;
      const taken = this.#state.bots.get(name);
      if (!taken) {
        this.#state.bots.set(name, { ...use, name });
        return name;
      }
      if (same(taken)) return name;
    }
  }

  /**
   * Records a response the run made. Bots call this as they start a request (with their name);
   * the experiments plugin calls it for every response logged during the run, whatever made it.
   */
  recordResponse(response: Response, source?: string): void {
    if (source) this.#sources.set(response, source);
    const known = this.#state.responses.get(response.id);
    if (known && (known.source || !source)) return;
    this.#state.responses.set(response.id, { response, source: source ?? this.#sources.get(response) ?? this.source });
  }

  /** Adds free-form information to the run's log (merged, later keys win). */
  addInfo(info: Readonly<Record<string, unknown>>): void {
    Object.assign(this.#state.info, info);
  }
}

/** Shared by every copy of this module (the CLI's bundle, an experiment file that resolves `llm` elsewhere). */
const storage = sharedStorage<RunContext>('llm.experiments.runContext');

/** The experiment run the calling code is part of, if any. */
export function currentRun(): RunContext | undefined {
  return storage().getStore();
}

/** Runs `work` as part of run `context`. */
export function withRunContext<T>(context: RunContext, work: () => T): T {
  // Its responses (bots', metrics' and judges') are an experiment's, never a person's conversation.
  const { cache, batcher } = context;
  const batched = batcher ? () => withRequestBatcher(batcher, work) : work;
  return storage().run(context, () => withConversationOrigin('experiment', cache ? () => withResponseCache(cache, batched) : batched));
}

/**
 * Adds free-form information to the current experiment run's log (for example the input it
 * used, or an intermediate result). Returns false, and does nothing, outside a run.
 */
export function addRunInfo(info: Readonly<Record<string, unknown>>): boolean {
  const run = currentRun();
  run?.addInfo(info);
  return run !== undefined;
}

/** JSON with sorted keys, to compare option objects. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
