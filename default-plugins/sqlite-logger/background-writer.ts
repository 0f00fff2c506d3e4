import { Worker } from 'node:worker_threads';
import type { FileEngine } from './engines/types.js';
import { logWorker, type LogWorkerData, type Statement, type WriteReply, type WriteRequest } from './log-worker.js';

/** The worker could not take the write (it failed to start, or died): write on this thread instead. */
export class WorkerUnavailableError extends Error {}

/** How long the worker keeps a connection open with nothing to write. */
const IDLE_MS = 2_000;

/**
 * Writes batches of statements to a log on a worker thread, so that a native engine's statements,
 * commits and fsyncs do not hold up this thread (an experiment's runs are waiting on it for their
 * next request). One worker per engine per process, started with the first write; it keeps the
 * process alive only while a write is in flight.
 */
export class BackgroundWriter {
  /** How many writes the thread committed (for tests and benchmarks). */
  committed = 0;
  private worker: Worker | undefined;
  private unavailable: Error | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (outcome: 'written' | 'migrate') => void; reject: (error: Error) => void }>();

  constructor(private readonly engine: FileEngine & { readonly workerModule: string }) {}

  /** Starts the worker now (it takes a few tens of milliseconds), if it is not running. */
  start(): void {
    if (this.worker || this.unavailable) return;
    const data: LogWorkerData = { engine: this.engine.name === 'node:sqlite' ? 'node:sqlite' : 'better-sqlite3', module: this.engine.workerModule, idleMs: IDLE_MS };
    const source = `const { parentPort, workerData } = require('node:worker_threads');\n(${logWorker.toString()})(require, parentPort, workerData);`;
    try {
      this.worker = new Worker(source, { eval: true, workerData: data });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.worker.unref();
    this.worker.on('message', (reply: WriteReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the log writer's thread exited (code ${code})`)));
  }

  /**
   * Runs `statements` in one transaction on the log at `path`. Resolves `written`, or `migrate`
   * when the log needs migrations first (nothing was written). Rejects with the engine's error
   * (message and code, as the engine gave them), or WorkerUnavailableError.
   */
  write(path: string, statements: readonly Statement[], migrations: readonly string[], busyTimeoutMs: number): Promise<'written' | 'migrate'> {
    this.start();
    const worker = this.worker;
    if (!worker) return Promise.reject(new WorkerUnavailableError(`the log writer's thread is not available: ${this.unavailable?.message}`));
    const id = this.nextId++;
    // Each SQL text is copied to the thread once per batch, not once per statement.
    const sql: string[] = [];
    const indexes = new Map<string, number>();
    const rows = statements.map(([text, params]) => {
      let index = indexes.get(text);
      if (index === undefined) indexes.set(text, (index = sql.push(text) - 1));
      return [index, params] as const;
    });
    const request: WriteRequest = { id, path, busyTimeoutMs, migrations, sql, statements: rows };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Kept alive while a write is in flight: a process that ends meanwhile would lose it.
      worker.ref();
      worker.postMessage(request);
    });
  }

  private settle(reply: WriteReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.outcome === 'failed') waiting.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    else {
      if (reply.outcome === 'written') this.committed++;
      waiting.resolve(reply.outcome);
    }
  }

  private fail(error: unknown): void {
    this.unavailable ??= error instanceof Error ? error : new Error(String(error));
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    const failure = new WorkerUnavailableError(`the log writer's thread failed: ${this.unavailable.message}`);
    for (const waiting of this.pending.values()) waiting.reject(failure);
    this.pending.clear();
  }
}

const writers = new Map<string, BackgroundWriter>();

/** The process's background writer for a native engine; undefined if the engine cannot run in a worker. */
export function backgroundWriterFor(engine: FileEngine): BackgroundWriter | undefined {
  if (!engine.workerModule) return undefined;
  const key = `${engine.name}\0${engine.workerModule}`;
  let writer = writers.get(key);
  if (!writer) writers.set(key, (writer = new BackgroundWriter(engine as FileEngine & { workerModule: string })));
  return writer;
}
