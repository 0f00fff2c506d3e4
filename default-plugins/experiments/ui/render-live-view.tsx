import { render } from 'ink';
import type { ProgressSnapshot } from '../library.js';
import { ExperimentView } from './experiment-view.js';

/** A live view on the terminal: call `changed()` as runs start and finish; `finish()` draws the last frame and unmounts. */
export interface LiveView {
  changed(): void;
  finish(snapshot: ProgressSnapshot): Promise<void>;
}

const FRAME_MS = 100;
const TICK_MS = 1000;

/**
 * Mounts the live experiment view (Ink) on stdout. A frame is drawn at most every 100 ms when
 * something changed, and every second regardless, so that elapsed time and ETA move. Ctrl-C is
 * left to the caller (the experiment stops gracefully), so Ink does not exit on it.
 */
export function renderLiveView(snapshot: () => ProgressSnapshot, options: { file?: string | undefined } = {}): LiveView {
  const view = (s: ProgressSnapshot) => <ExperimentView snapshot={s} file={options.file} />;
  const instance = render(view(snapshot()), { exitOnCtrlC: false, patchConsole: true });
  let changed = false;
  let lastDraw = performance.now();
  const timer = setInterval(() => {
    if (!changed && performance.now() - lastDraw < TICK_MS) return;
    changed = false;
    lastDraw = performance.now();
    instance.rerender(view(snapshot()));
  }, FRAME_MS);
  return {
    changed() {
      changed = true;
    },
    async finish(last) {
      clearInterval(timer);
      instance.rerender(view(last));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
