import type { BatchableRequest, RequestBatcher } from 'llm-host';

/** A model call a run made, held until its batch answers. */
export interface GatheredCall {
  /** The run's index (stable across resume, unlike its id). */
  readonly run: number;
  /** Which of the run's batched calls this is, from 1. */
  readonly step: number;
  /** The line's custom_id: `run-INDEX-step-STEP`. */
  readonly customId: string;
  readonly request: BatchableRequest;
  /** The run's signal: aborted when it is cancelled. */
  readonly signal: AbortSignal;
  /** Answers the call with the reply's JSON body. */
  resolve(body: unknown): void;
  /** Fails the call (that run's error). */
  reject(error: unknown): void;
  /** Whether it was answered, failed or given up. */
  readonly settled: boolean;
}

/** The custom_id of a run's call: the run index and the call's step, so that a resumed run names its calls the same. */
export function customIdOf(run: number, step: number): string {
  return `run-${run}-step-${step}`;
}

/**
 * Gathers the model calls of an experiment's runs into batches. A call is held, not sent; when
 * every run still going is waiting on a call (a barrier: no run can get further without an
 * answer) and every run has started, the calls held so far go to `flush` together, which answers
 * each. Runs that wait on something else (a model that cannot batch, their own code) are waited
 * for: they either finish or make a call.
 */
export class BatchGatherer {
  readonly #flush: (calls: GatheredCall[]) => Promise<void>;
  /** Runs yet to start. */
  #toStart: number;
  /** Runs going, with how many of their calls are not answered yet (held or in a batch). */
  readonly #running = new Map<number, number>();
  #held: GatheredCall[] = [];

  constructor(runs: number, flush: (calls: GatheredCall[]) => Promise<void>) {
    this.#toStart = runs;
    this.#flush = flush;
  }

  /** Calls held, not yet handed to a batch. */
  get held(): number {
    return this.#held.length;
  }

  runStarted(run: number): void {
    this.#toStart = Math.max(0, this.#toStart - 1);
    this.#running.set(run, 0);
  }

  runEnded(run: number): void {
    this.#running.delete(run);
    this.check();
  }

  /** No more runs will start (the experiment is stopping). */
  noMoreRuns(): void {
    this.#toStart = 0;
    this.check();
  }

  /** The batcher of one run: its calls are numbered 1, 2, ... in the order it makes them. */
  forRun(run: number): RequestBatcher {
    let step = 0;
    return { submit: (request, signal) => this.submit(run, ++step, request, signal) };
  }

  private submit(run: number, step: number, request: BatchableRequest, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        const open = this.#running.get(run);
        if (open !== undefined) this.#running.set(run, Math.max(0, open - 1));
      };
      const call: GatheredCall = {
        run,
        step,
        customId: customIdOf(run, step),
        request,
        signal,
        resolve: (body) => {
          if (settled) return;
          settle();
          resolve(body);
        },
        reject: (error) => {
          if (settled) return;
          settle();
          reject(error);
        },
        get settled() {
          return settled;
        },
      };
      const onAbort = () => {
        this.#held = this.#held.filter((held) => held !== call);
        call.reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#running.set(run, (this.#running.get(run) ?? 0) + 1);
      this.#held.push(call);
      this.check();
    });
  }

  /** Hands the held calls to a batch when no run can get further without one. */
  private check(): void {
    if (this.#held.length === 0 || this.#toStart > 0) return;
    for (const open of this.#running.values()) if (open === 0) return;
    const calls = this.#held;
    this.#held = [];
    void this.#flush(calls).then(
      () => {
        for (const call of calls) call.reject(new Error(`batch request ${call.customId} got no answer`));
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
      },
    );
  }
}
