import { InterruptedError } from '../errors.js';
import { quiesceJit } from './quiesce-jit.js';

/**
 * Runs `work` with an AbortSignal that Ctrl-C aborts. A first Ctrl-C aborts the work, which
 * then ends with InterruptedError; a second one exits at once.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      quiesceJit();
      process.exit(130);
    }
    controller.abort(new InterruptedError());
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (controller.signal.aborted) throw new InterruptedError();
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
