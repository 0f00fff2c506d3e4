import { untilSettled } from '../../../src/util/until-settled.js';

/**
 * Awaits an experiment's runs (`llm experiments run` and `resume`). A pipeline whose promise
 * nothing will settle would otherwise end the process silently with Node's exit code 13, the
 * experiment left running: this makes it a one-line error instead.
 */
export function untilRunsSettle<T>(runs: Promise<T>): Promise<T> {
  return untilSettled(
    runs,
    "The experiment's runs are waiting on promises nothing will ever settle (no timer, request or other work is left): make the pipeline resolve or reject, or give --timeout.",
  );
}
