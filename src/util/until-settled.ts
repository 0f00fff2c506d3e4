import { LlmError } from '../errors.js';

/**
 * Awaits `work`, unless the process runs out of things to wait for first: a promise that nothing
 * can settle any more (no timer, socket or other handle left) would otherwise end the process at
 * once, silently, with Node's exit code 13. Then this rejects with `stuck` as a one-line error.
 */
export function untilSettled<T>(work: Promise<T>, stuck: string): Promise<T> {
  let onIdle: (() => void) | undefined;
  const idle = new Promise<never>((_, reject) => {
    onIdle = () => reject(new LlmError(stuck));
    process.once('beforeExit', onIdle);
  });
  return Promise.race([work, idle]).finally(() => process.off('beforeExit', onIdle!));
}
