import { setTimeout as sleep } from 'node:timers/promises';
import { LlmError, TERMINAL_BATCH_STATUSES, type BatchApi, type BatchState } from 'llm-host';
import type { BatchLog, BatchRow } from './batch-log.js';
import { estimateRequests, type BatchEstimate } from './estimate.js';
import type { GatheredCall } from './gatherer.js';
import { batchLine, fileText, readOutput, splitIntoFiles } from './jsonl.js';

/** How often batches are polled unless told otherwise: 30 s (a batch takes minutes to hours). */
export const DEFAULT_POLL_INTERVAL_MS = 30_000;

/** How many polls in a row may fail before the batches' calls fail (resume picks the batches up again). */
export const MAX_POLL_FAILURES = 10;

/** What happens to an experiment's batches, for the caller to show (the CLI: on stderr). */
export type BatchEvent =
  | { readonly kind: 'submitted'; readonly id: string; readonly step: number; readonly model: string; readonly requests: number; readonly where: string }
  | { readonly kind: 'reattached'; readonly id: string; readonly step: number; readonly requests: number; readonly status: string }
  | { readonly kind: 'progress'; readonly done: number; readonly total: number; readonly statuses: readonly string[]; readonly etaMs: number | undefined }
  | { readonly kind: 'ended'; readonly id: string; readonly status: string; readonly completed: number; readonly failed: number };

/** How an experiment uses a Batch API (`--batch`; `batchApi` in `ExperimentRunOptions`). */
export interface BatchSettings {
  /** How long to wait between two polls of the batches in flight (default 30 s). */
  readonly pollIntervalMs?: number;
  /**
   * Asked with the estimate before new batches are submitted; false: nothing is submitted and the
   * experiment is cancelled. Default: submit.
   */
  readonly confirm?: (estimate: BatchEstimate) => boolean | Promise<boolean>;
  /** Told of every batch submitted, reattached, polled and ended. */
  readonly onEvent?: (event: BatchEvent) => void;
}

/** The user said no to the estimate: nothing was submitted. */
export class BatchDeclinedError extends LlmError {}

/** One batch being waited for, and the calls it answers. */
interface Tracked {
  readonly api: BatchApi;
  state: BatchState;
  readonly calls: Map<string, GatheredCall>;
}

/**
 * Runs the calls of one barrier through Batch APIs: groups them by account, model and step;
 * answers what batches the log has (a resumed experiment's, found by custom_id and identical
 * request) from those; writes the rest to JSONL files within the API's limits, asks `confirm`
 * with the estimate, uploads, creates and logs each batch, then polls them all until each ends
 * and answers every call from its output (or fails it with its line's error).
 */
export class BatchDriver {
  /** The logged batches (resume), with each one's input lines, read once. */
  #logged: Promise<BatchRow[]> | undefined;
  readonly #inputs = new Map<string, Promise<Map<string, string>>>();
  readonly #used = new Set<string>();

  constructor(
    private readonly settings: BatchSettings,
    private readonly log: BatchLog | undefined,
    private readonly signal: AbortSignal,
  ) {}

  async flush(calls: readonly GatheredCall[]): Promise<void> {
    const groups = new Map<string, GatheredCall[]>();
    for (const call of calls) {
      const { api, endpoint, model } = call.request;
      const key = `${api.account}\0${endpoint}\0${model}\0${call.step}`;
      const group = groups.get(key) ?? [];
      group.push(call);
      groups.set(key, group);
    }
    const tracked: Tracked[] = [];
    const toSubmit: { group: GatheredCall[]; files: ReturnType<typeof splitIntoFiles> }[] = [];
    for (const group of groups.values()) {
      const rest = await this.reattach(group, tracked);
      if (rest.length === 0) continue;
      const { api, endpoint } = rest[0]!.request;
      toSubmit.push({ group: rest, files: splitIntoFiles(rest.map((call) => batchLine(call.customId, endpoint, call.request.body)), api.limits) });
    }
    if (toSubmit.length > 0) {
      const requests = toSubmit.flatMap(({ group }) => group.map((call) => call.request));
      const estimate = estimateRequests(requests, toSubmit.reduce((n, s) => n + s.files.length, 0), (model) => requests.find((r) => r.model === model)!.api.price(model));
      if (this.settings.confirm && !(await this.settings.confirm(estimate))) throw new BatchDeclinedError('Not submitted: the batches were declined, so the experiment stopped.');
      for (const { group, files } of toSubmit) tracked.push(...(await this.submit(group, files)));
    }
    await this.poll(tracked);
  }

  /** Attaches calls to the logged batches that carry the same request; returns the calls left. */
  private async reattach(group: GatheredCall[], tracked: Tracked[]): Promise<GatheredCall[]> {
    if (!this.log) return group;
    this.#logged ??= this.log.load();
    const first = group[0]!;
    const { api, endpoint, model } = first.request;
    let rest = group;
    for (const row of await this.#logged) {
      if (rest.length === 0) break;
      if (this.#used.has(row.id) || row.api !== api.where || row.model !== model || row.step !== first.step) continue;
      const state = await api.retrieveBatch(row.id, this.signal);
      if (state.status === 'failed' || state.status === 'cancelled' || state.status === 'expired') continue;
      const lines = await this.inputLines(api, row);
      const mine = new Map<string, GatheredCall>();
      rest = rest.filter((call) => {
        const same = lines.get(call.customId) === batchLine(call.customId, endpoint, call.request.body).json;
        if (same) mine.set(call.customId, call);
        return !same;
      });
      if (mine.size === 0) continue;
      this.#used.add(row.id);
      tracked.push({ api, state, calls: mine });
      this.settings.onEvent?.({ kind: 'reattached', id: row.id, step: row.step, requests: mine.size, status: state.status });
    }
    return rest;
  }

  /** A logged batch's input lines by custom_id. */
  private inputLines(api: BatchApi, row: BatchRow): Promise<Map<string, string>> {
    let lines = this.#inputs.get(row.id);
    if (!lines) {
      lines = api.fileContent(row.inputFileId, this.signal).then((text) => {
        const byId = new Map<string, string>();
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          try {
            const parsed = JSON.parse(line) as { custom_id?: unknown };
            if (typeof parsed.custom_id === 'string') byId.set(parsed.custom_id, JSON.stringify(parsed));
          } catch {
            // not a line this experiment wrote
          }
        }
        return byId;
      });
      this.#inputs.set(row.id, lines);
    }
    return lines;
  }

  /** Uploads each file, creates its batch and logs it before saying so. */
  private async submit(group: GatheredCall[], files: ReturnType<typeof splitIntoFiles>): Promise<Tracked[]> {
    const { api, endpoint, model } = group[0]!.request;
    const step = group[0]!.step;
    const byId = new Map(group.map((call) => [call.customId, call]));
    const tracked: Tracked[] = [];
    for (const [index, lines] of files.entries()) {
      const fileId = await api.uploadFile(`llm-experiment-step-${step}-${index + 1}.jsonl`, fileText(lines), this.signal);
      const state = await api.createBatch(fileId, endpoint, this.signal);
      await this.log?.add({ id: state.id, step, api: api.where, model, requests: lines.length, inputFileId: fileId, status: state.status });
      tracked.push({ api, state, calls: new Map(lines.map((line) => [line.customId, byId.get(line.customId)!])) });
      this.settings.onEvent?.({ kind: 'submitted', id: state.id, step, model, requests: lines.length, where: api.where });
    }
    return tracked;
  }

  /** Polls the batches until each has ended (or none of its calls is waiting), answering calls as each ends. */
  private async poll(tracked: Tracked[]): Promise<void> {
    const interval = this.settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const total = tracked.reduce((n, t) => n + t.calls.size, 0);
    let first: { at: number; done: number } | undefined;
    let failures = 0;
    let open = tracked;
    for (let round = 0; ; round++) {
      for (const batch of open) {
        if (TERMINAL_BATCH_STATUSES.has(batch.state.status)) await this.end(batch);
      }
      open = open.filter((t) => !TERMINAL_BATCH_STATUSES.has(t.state.status) && [...t.calls.values()].some((call) => !call.settled));
      const done = tracked.reduce((n, t) => n + (TERMINAL_BATCH_STATUSES.has(t.state.status) ? t.calls.size : Math.min(t.calls.size, t.state.counts.completed + t.state.counts.failed)), 0);
      const now = performance.now();
      first ??= { at: now, done };
      const rate = done > first.done ? (done - first.done) / (now - first.at) : undefined;
      this.settings.onEvent?.({ kind: 'progress', done, total, statuses: open.map((t) => t.state.status), etaMs: rate ? (total - done) / rate : undefined });
      if (open.length === 0 || this.signal.aborted) return;
      try {
        await sleep(interval, undefined, { signal: this.signal });
      } catch {
        return; // cancelled: the runs' calls fail with their own abort
      }
      for (const batch of open) {
        const before = batch.state.status;
        try {
          batch.state = await batch.api.retrieveBatch(batch.state.id, this.signal);
          failures = 0;
        } catch (error) {
          // The batch goes on at the API whatever the network does here: a failed poll (after its
          // own retries) is tried again at the next interval, and only many in a row give up.
          if (this.signal.aborted || ++failures >= MAX_POLL_FAILURES) throw error;
          continue;
        }
        if (batch.state.status !== before && !TERMINAL_BATCH_STATUSES.has(batch.state.status)) await this.log?.update(batch.state, false);
      }
    }
  }

  /** Answers a batch's calls from its output and error files, and logs how it ended. */
  private async end(batch: Tracked): Promise<void> {
    const { api, state } = batch;
    await this.log?.update(state, true);
    this.settings.onEvent?.({ kind: 'ended', id: state.id, status: state.status, completed: state.counts.completed, failed: state.counts.failed });
    if (state.status === 'failed') {
      const why = state.errors?.length ? state.errors.join('; ') : 'no reason given';
      for (const call of batch.calls.values()) call.reject(new LlmError(`Batch ${state.id} failed: ${why}`));
      return;
    }
    const [output, errors] = await Promise.all([
      state.outputFileId ? api.fileContent(state.outputFileId, this.signal) : undefined,
      state.errorFileId ? api.fileContent(state.errorFileId, this.signal) : undefined,
    ]);
    const answers = readOutput(output, errors);
    for (const call of batch.calls.values()) {
      const answer = answers.get(call.customId);
      if (answer && 'body' in answer) call.resolve(answer.body);
      else if (answer) call.reject(new LlmError(`Batch ${state.id}, request ${call.customId}: ${answer.error}`));
      else call.reject(new LlmError(`Batch ${state.id} ended ${state.status} without an answer to request ${call.customId}`));
    }
  }
}
