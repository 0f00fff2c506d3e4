import { createLlm, type Llm } from '../host/llm.js';

/** Each run's host, by the config its commands get; configs of one run share one slot. */
const slots = new WeakMap<object, { host?: Promise<Llm> }>();

/** A host started before the run's oclif Config existed (see `startHostEarly`), not yet claimed. */
let early: { host: Promise<Llm>; release: () => void } | undefined;

/**
 * The plugin host for one CLI run, created on first use and shared by the router, the help and
 * the command (keyed by the run's config, so every run gets a fresh one).
 */
export function hostFor(config: object): Promise<Llm> {
  const slot = slotOf(config);
  if (!slot.host) {
    if (early) {
      slot.host = early.host;
      early.release();
      early = undefined;
    } else {
      slot.host = createLlm({ warn: warnUser });
    }
  }
  return slot.host;
}

/** Makes `to`, a config made later in the same run, reach the same host as `from`. */
export function shareHost(from: object, to: object): void {
  slots.set(to, slotOf(from));
}

function slotOf(config: object): { host?: Promise<Llm> } {
  let slot = slots.get(config);
  if (!slot) slots.set(config, (slot = {}));
  return slot;
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
