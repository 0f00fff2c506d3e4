import { Flags } from 'llm-host/command';
import { UsageError } from 'llm-host';

/** `--batch`, `--batch-poll` and `--yes`, as `llm experiments run` and `resume` take them. */
export const batchFlags = {
  batch: Flags.boolean({
    summary: 'Send the model calls through the Batch API (OpenAI models): half the price, up to 24 hours; asks before submitting, with the estimated cost.',
  }),
  'batch-poll': Flags.string({ summary: 'With --batch: seconds between two polls of the batches in flight (default 30).', helpValue: 'SECONDS' }),
  yes: Flags.boolean({ summary: 'With --batch: submit without asking (needed when there is no terminal to ask on).' }),
};

/** Whether --batch was given, and how to batch (also for a resume whose log says it batched). */
export function batchRequest(flags: { batch?: boolean; 'batch-poll'?: string | undefined; yes?: boolean }): { batch: boolean; options: { pollSeconds?: number; yes: boolean } } {
  const poll = flags['batch-poll'];
  let pollSeconds: number | undefined;
  if (poll !== undefined) {
    pollSeconds = Number(poll);
    if (!(Number.isFinite(pollSeconds) && pollSeconds > 0)) throw new UsageError(`--batch-poll takes a positive number of seconds (got '${poll}').`);
  }
  return { batch: Boolean(flags.batch), options: { yes: Boolean(flags.yes), ...(pollSeconds === undefined ? {} : { pollSeconds }) } };
}
