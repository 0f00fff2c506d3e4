/** How `embed-multi` reports progress: after its first second, on stderr. */
export class EmbedProgress {
  private readonly started = Date.now();
  private shown = false;

  constructor(
    /** How many items there are, when known in advance. */
    private readonly total: number | undefined,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /**
   * After each batch: at a terminal, one line rewritten in place (count, rate, ETA); elsewhere
   * (a log file, CI), one line per batch. Nothing during the first second.
   */
  update(done: number, skipped: number): void {
    const elapsed = (Date.now() - this.started) / 1000;
    if (elapsed < 1) return;
    const rate = done / elapsed;
    const count = this.total === undefined ? `${done}` : `${done}/${this.total}`;
    const eta = this.total !== undefined && rate > 0 ? `, ETA ${formatSeconds((this.total - done) / rate)}` : '';
    const unchanged = skipped > 0 ? ` (${skipped} unchanged)` : '';
    const line = `Embedding: ${count} items${unchanged}, ${rate.toFixed(1)}/s${eta}`;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[K${line}`);
    else this.stream.write(`${line}\n`);
    this.shown = true;
  }

  /** Ends the terminal line, if one was shown. */
  finish(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\n');
  }
}

function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
