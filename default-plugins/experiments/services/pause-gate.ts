/**
 * Pauses the start of new runs (the live view's `p`): while paused, `wait()` returns a promise
 * that resolves on resume, or on `release()` when the experiment stops. Running runs go on.
 */
export class PauseGate {
  #paused = false;
  #waiting: (() => void)[] = [];

  /** Whether new runs are held back. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Pauses, or resumes; returns whether it is paused now. */
  toggle(): boolean {
    this.#paused = !this.#paused;
    if (!this.#paused) this.#open();
    return this.#paused;
  }

  /** Nothing while running; while paused, a promise that resolves once runs may start again. */
  wait(): Promise<void> | undefined {
    return this.#paused ? new Promise<void>((resolve) => this.#waiting.push(resolve)) : undefined;
  }

  /** Resumes for good: the experiment is stopping, and the held runs must see that. */
  release(): void {
    this.#paused = false;
    this.#open();
  }

  #open(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }
}
