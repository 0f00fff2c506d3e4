import { createInterface } from 'node:readline/promises';
import { UsageError } from 'llm-host';
import type { BatchEvent, BatchSettings } from '../lib/batch/driver.js';
import { formatEstimate, type BatchEstimate } from '../lib/batch/estimate.js';
import type { RunOutput } from './run-file.js';

/** How `llm experiments run --batch` (and resume) was asked to batch. */
export interface BatchRequest {
  readonly pollSeconds?: number | undefined;
  /** Submit without asking (`--yes`). */
  readonly yes: boolean;
}

/**
 * The runner's batch settings for the CLI: batch events as lines on stderr, and the estimate
 * before the first submission, asked on the terminal (`--yes`: shown, not asked). Later
 * submissions (the next steps: judge metrics, further calls) show their estimate and go on: they
 * are part of what was agreed to. Without a terminal and without --yes, refuses at once, before
 * anything runs.
 */
export function batchSettings(request: BatchRequest, output: RunOutput): BatchSettings {
  const terminal = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  if (!request.yes && !terminal) {
    throw new UsageError('--batch asks before submitting (with the estimated cost) and there is no terminal to ask on: pass --yes to submit without asking.');
  }
  let asked = false;
  return {
    ...(request.pollSeconds === undefined ? {} : { pollIntervalMs: request.pollSeconds * 1000 }),
    confirm: async (estimate: BatchEstimate) => {
      output.err(`Batch estimate: ${formatEstimate(estimate)}\n`);
      if (request.yes || asked) return true;
      asked = true;
      output.err('Later steps (judge metrics, further model calls) go out as further batches, estimated when they are submitted.\n');
      return askYesNo('Submit? [y/N] ');
    },
    onEvent: (event) => output.err(`${formatBatchEvent(event)}\n`),
  };
}

async function askYesNo(question: string): Promise<boolean> {
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await reader.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    reader.close();
  }
}

/** One line about a batch. */
export function formatBatchEvent(event: BatchEvent): string {
  switch (event.kind) {
    case 'submitted':
      return `Batch ${event.id} submitted: step ${event.step}, ${event.requests} request${event.requests === 1 ? '' : 's'} to ${event.model} (${event.where}).`;
    case 'reattached':
      return `Batch ${event.id} reattached (${event.status}): step ${event.step}, ${event.requests} request${event.requests === 1 ? '' : 's'} of it still wanted.`;
    case 'progress': {
      const eta = event.done >= event.total ? '' : event.etaMs === undefined ? ', ETA unknown' : `, ETA ${formatDuration(event.etaMs)}`;
      const statuses = event.statuses.length > 0 ? ` (${[...new Set(event.statuses)].join(', ')})` : '';
      return `Batches: ${event.done}/${event.total} requests done${statuses}${eta}`;
    }
    case 'ended':
      return `Batch ${event.id} ${event.status}: ${event.completed} answered, ${event.failed} failed.`;
  }
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}
