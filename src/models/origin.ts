import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a conversation came from, as the log records it: a person's (`prompt`, `chat`, `library`)
 * or made inside llm's own machinery (`experiment`, `trace`: LLM functions, strategies, metrics and
 * anything else run inside a trace). `llm -c` continues the newest conversation a person had.
 * Plugins may use names of their own; any name not in PERSON_ORIGINS counts as internal.
 */
export type ConversationOrigin = 'prompt' | 'chat' | 'library' | 'experiment' | 'trace' | (string & {});

/** The origins whose conversations `llm -c` may continue (rows the Python llm logged count too). */
export const PERSON_ORIGINS: readonly ConversationOrigin[] = ['prompt', 'chat', 'library'];

/**
 * The storage lives on globalThis under a registered symbol, so every copy of this module (the
 * CLI's bundle, an experiment file or plugin that resolves the library elsewhere) shares one.
 */
const STORAGE = Symbol.for('llm-host.conversationOrigin');

function storage(): AsyncLocalStorage<ConversationOrigin> {
  const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<ConversationOrigin> | undefined>;
  return (holder[STORAGE] ??= new AsyncLocalStorage<ConversationOrigin>());
}

/** Whether conversations from `origin` are a person's (see PERSON_ORIGINS). */
export function isPersonOrigin(origin: ConversationOrigin): boolean {
  return PERSON_ORIGINS.includes(origin);
}

/** The origin of responses made here: the innermost `withConversationOrigin`, else `library`. */
export function currentConversationOrigin(): ConversationOrigin {
  return storage().getStore() ?? 'library';
}

/**
 * Runs `work` so that the responses made in it (however deep, across `await`s) are logged as coming
 * from `origin`. Internal machinery is never undone from inside: within an internal origin
 * (an experiment), a nested person's origin is ignored, and the innermost internal one wins.
 */
export function withConversationOrigin<T>(origin: ConversationOrigin, work: () => T): T {
  const outer = storage().getStore();
  const effective = outer !== undefined && !isPersonOrigin(outer) && isPersonOrigin(origin) ? outer : origin;
  return storage().run(effective, work);
}
