import { createLlm, type Llm } from '../host/llm.js';

const hosts = new WeakMap<object, Promise<Llm>>();

/** A host started before the run's oclif Config existed (see `startHostEarly`), not yet claimed. */
let early: { host: Promise<Llm>; release: () => void } | undefined;

/**
 * The plugin host for one CLI run, created on first use and shared by the router, the help and
 * the command (keyed by the run's oclif Config, so every run gets a fresh one).
 */
export function hostFor(config: object): Promise<Llm> {
  let host = hosts.get(config);
  if (!host) {
    if (early) {
      host = early.host;
      early.release();
      early = undefined;
    } else {
      host = createLlm({ warn: warnUser });
    }
    hosts.set(config, host);
  }
  return host;
}

/**
 * Starts loading the plugin host now, for a run that will surely ask for it, so that loading the
 * plugins overlaps loading the CLI framework; the next `hostFor` takes it. Its warnings wait until
 * then: a run that ends before asking for the host (a mistyped flag) prints what it printed before.
 */
export function startHostEarly(): void {
  const held: string[] = [];
  let released = false;
  const host = createLlm({ warn: (message) => (released ? warnUser(message) : held.push(message)) });
  host.catch(() => {}); // Whoever claims it sees the failure; unclaimed, it is not an unhandled rejection.
  early = {
    host,
    release: () => {
      released = true;
      for (const message of held.splice(0)) warnUser(message);
    },
  };
}

/** Prints a one-line warning on stderr. */
export function warnUser(message: string): void {
  process.stderr.write(`Warning: ${message}\n`);
}
