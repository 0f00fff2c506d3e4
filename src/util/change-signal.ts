/**
 * Wakes readers waiting for more of something that grows (a response's chunks, a chain's text):
 * `await signal.changed` resolves at the next `notify()`.
 */
export class ChangeSignal {
  private wake: (() => void) | undefined;
  /** Resolves at the next change. */
  changed: Promise<void>;

  constructor() {
    this.changed = new Promise((resolve) => (this.wake = resolve));
  }

  /** Wakes every reader waiting on `changed`, and starts waiting for the next change. */
  notify(): void {
    const wake = this.wake;
    this.changed = new Promise((resolve) => (this.wake = resolve));
    wake?.();
  }
}
