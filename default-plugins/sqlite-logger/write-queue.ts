/**
 * Group commit for the log: responses logged in quick succession are written in one transaction
 * instead of one each. Only responses marked `batch` (an experiment's runs) wait, at most
 * `windowMs`, for others to join them; any other response is written at once, taking whatever
 * is waiting along. On a native engine every transaction costs an fsync; on sql.js a rewrite of
 * the whole file: 1,000 responses in a few dozen writes instead of 1,000.
 */
export class WriteQueue<T> {
  private waiting: { item: T; settle: (error?: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    /** Writes items in one transaction; throws if none of them could be written. */
    private readonly write: (items: readonly T[]) => Promise<void>,
    private readonly windowMs: number,
  ) {}

  /** Queues an item; resolves once it is written (rejects with the write's error). */
  add(item: T, batch: boolean): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
    });
    if (this.writing) return done; // written right after the write in progress
    if (!batch) this.flushSoon();
    else this.timer ??= setTimeout(() => this.flushSoon(), this.windowMs);
    return done;
  }

  private flushSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.writing = this.write(batch.map((w) => w.item)).then(
      () => batch.forEach((w) => w.settle()),
      (error: unknown) => batch.forEach((w) => w.settle(error ?? new Error('log write failed'))),
    );
    void this.writing.finally(() => {
      this.writing = undefined;
      // What arrived during the write has waited long enough.
      if (this.waiting.length > 0) this.flushSoon();
    });
  }
}
