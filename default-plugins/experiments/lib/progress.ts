import type { MetricResult, RunRecord } from './experiment.js';
import { combineKinds, type ResolvedMetric } from './metric.js';
import { summarize, type MetricKind } from './statistics.js';

/** Where an experiment is, for a progress display: counts, timing and each metric so far. */
export interface ProgressSnapshot {
  readonly name: string;
  /** Runs to do in all. */
  readonly planned: number;
  readonly started: number;
  readonly finished: number;
  readonly ok: number;
  readonly failed: number;
  readonly running: number;
  readonly cancelled: number;
  readonly elapsedMs: number;
  /** Estimated time to the last run, from the pace so far; null until a run has finished. */
  readonly etaMs: number | null;
  /** Each metric's running mean, 95 % interval and error count. */
  readonly metrics: readonly MetricResult[];
  /** The latest errors, newest last (up to 5): failed runs and failed metrics. */
  readonly latestErrors: readonly { readonly index: number; readonly message: string }[];
  /** Ctrl-C was pressed: no new runs start. */
  readonly stopping: boolean;
}

const LATEST_ERRORS = 5;
const FIRST_ERRORS = 10;

/** Counts runs and collects metric values as an experiment goes, for the live view and the summary. */
export class ExperimentProgress {
  started = 0;
  finished = 0;
  ok = 0;
  failed = 0;
  cancelled = 0;
  /** Runs logged before a resume, counted as finished. */
  resumed = 0;
  stopping = false;
  readonly startedAt = performance.now();
  private readonly values = new Map<string, number[]>();
  private readonly kinds = new Map<string, MetricKind>();
  private readonly metricErrors = new Map<string, number>();
  private readonly latest: { index: number; message: string }[] = [];
  /** The first errors, for the summary. */
  readonly firstErrors: { index: number; message: string }[] = [];

  constructor(
    readonly name: string,
    readonly planned: number,
    private readonly metrics: readonly ResolvedMetric[],
  ) {
    for (const metric of metrics) {
      this.values.set(metric.name, []);
      this.metricErrors.set(metric.name, 0);
    }
  }

  /** Counts the runs a resumed experiment had logged already. */
  resumeFrom(runs: readonly Pick<RunRecord, 'index' | 'status' | 'error' | 'metrics'>[]): void {
    for (const run of runs) {
      this.started++;
      this.count(run);
      this.resumed++;
    }
  }

  /** A run started. */
  runStarted(): void {
    this.started++;
  }

  /** A run was cut off by an interruption (not logged). */
  runCancelled(): void {
    this.cancelled++;
  }

  /** A run finished: count it and keep its metric values. */
  runFinished(run: RunRecord): void {
    this.count(run);
  }

  private count(run: Pick<RunRecord, 'index' | 'status' | 'error' | 'metrics'>): void {
    this.finished++;
    if (run.status === 'ok') this.ok++;
    else {
      this.failed++;
      this.error(run.index, run.error ?? 'failed');
    }
    for (const [name, result] of Object.entries(run.metrics)) {
      if (result.value !== null && result.kind) {
        this.values.get(name)?.push(result.value);
        this.kinds.set(name, combineKinds(this.kinds.get(name), result.kind));
      } else if (result.error) {
        this.metricErrors.set(name, (this.metricErrors.get(name) ?? 0) + 1);
        this.error(run.index, result.error);
      }
    }
  }

  /** The kind each metric's values have had (undefined before any value). */
  kindOf(name: string): MetricKind | undefined {
    return this.kinds.get(name);
  }

  /** Each metric's statistics over the runs so far. */
  metricResults(): MetricResult[] {
    return this.metrics.map((metric) => ({
      name: metric.name,
      description: metric.description,
      better: metric.better,
      ...summarize(this.values.get(metric.name) ?? [], this.kinds.get(metric.name) ?? 'number'),
      errors: this.metricErrors.get(metric.name) ?? 0,
    }));
  }

  /** Where the experiment is now. */
  snapshot(): ProgressSnapshot {
    const elapsedMs = performance.now() - this.startedAt;
    const remaining = this.planned - this.finished - this.cancelled;
    return {
      name: this.name,
      planned: this.planned,
      started: this.started,
      finished: this.finished,
      ok: this.ok,
      failed: this.failed,
      running: this.started - this.finished - this.cancelled,
      cancelled: this.cancelled,
      elapsedMs,
      etaMs: this.finished === this.resumed || this.stopping ? null : (elapsedMs / (this.finished - this.resumed)) * Math.max(0, remaining),
      metrics: this.metricResults(),
      latestErrors: [...this.latest],
      stopping: this.stopping,
    };
  }

  private error(index: number, message: string): void {
    const entry = { index, message };
    this.latest.push(entry);
    if (this.latest.length > LATEST_ERRORS) this.latest.shift();
    if (this.firstErrors.length < FIRST_ERRORS) this.firstErrors.push(entry);
  }
}
