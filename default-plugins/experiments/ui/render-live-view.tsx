import { render } from 'ink';
import type { ProgressSnapshot, RunRecord } from '../library.js';
import { LiveApp, type LiveAppProps, type LiveControls } from './live-app.js';

/** A live view on the terminal: call `changed()` as runs start and finish; `finish()` draws the last frame and unmounts. */
export interface LiveView {
  changed(): void;
  finish(snapshot: ProgressSnapshot): Promise<void>;
}

/** Where the live view reads what it shows, each frame. */
export interface LiveSource {
  snapshot(): ProgressSnapshot;
  /** Finished runs, in the order they finished. */
  runs(): readonly RunRecord[];
  paused(): boolean;
}

const FRAME_MS = 100;
const TICK_MS = 1000;

/**
 * Mounts the live experiment view (Ink) on stdout, taking keys from stdin when it is a terminal
 * (see LiveApp). A frame is drawn at most every 100 ms when something changed, and every second
 * regardless, so that elapsed time and ETA move. Ctrl-C is left to the caller (the experiment
 * stops gracefully): Ink does not exit on it, and in raw mode it arrives as `controls.interrupt()`.
 */
export function renderLiveView(
  source: LiveSource,
  controls: LiveControls,
  options: { file?: string | undefined; baseline?: LiveAppProps['baseline'] } = {},
): LiveView {
  const view = (snapshot: ProgressSnapshot, final = false) => (
    <LiveApp snapshot={snapshot} runs={source.runs()} paused={source.paused()} file={options.file} baseline={options.baseline} controls={controls} final={final} />
  );
  const instance = render(view(source.snapshot()), { exitOnCtrlC: false, patchConsole: true });
  let changed = false;
  let lastDraw = performance.now();
  const timer = setInterval(() => {
    if (!changed && performance.now() - lastDraw < TICK_MS) return;
    changed = false;
    lastDraw = performance.now();
    instance.rerender(view(source.snapshot()));
  }, FRAME_MS);
  return {
    changed() {
      changed = true;
    },
    async finish(last) {
      clearInterval(timer);
      instance.rerender(view(last, true));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
