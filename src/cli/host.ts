import { createLlm, type Llm } from '../host/llm.js';

const hosts = new WeakMap<object, Promise<Llm>>();

/**
 * The plugin host for one CLI run, created on first use and shared by the router, the help and
 * the command (keyed by the run's oclif Config, so every run gets a fresh one).
 */
export function hostFor(config: object): Promise<Llm> {
  let host = hosts.get(config);
  if (!host) {
    host = createLlm({ warn: warnUser });
    hosts.set(config, host);
  }
  return host;
}

/** Prints a one-line warning on stderr. */
export function warnUser(message: string): void {
  process.stderr.write(`Warning: ${message}\n`);
}
