import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An AsyncLocalStorage kept on globalThis under a registered symbol, so that every copy of the
 * module asking for it by `name` shares one: the CLI's bundle and an experiment or plugin file
 * that resolves `llm-host` to another copy see the same context. Created on first use.
 */
export function sharedStorage<T>(name: string): () => AsyncLocalStorage<T> {
  const key = Symbol.for(name);
  const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<T> | undefined>;
  return () => (holder[key] ??= new AsyncLocalStorage<T>());
}
