/**
 * Lets V8's background compilers finish while this thread can still serve them, so that the
 * process can end. Call it once the command's work is done, just before the process exits (by
 * itself or through process.exit).
 *
 * Node can hang forever as a process ends (nodejs/node#54918, seen on Node 20, 24 and 26): the
 * main thread waits for the platform's worker threads (in the event loop's final drain, or while
 * process.exit shuts the platform down), while an optimizing compile job on one of those threads
 * waits for a garbage collection that only the main thread can run. Here it hung about one run in
 * eight of `llm experiments plan` with sql.js on Node 20, after all of its output was written.
 *
 * So: no new optimizing jobs from here on (Turbofan and Maglev off), then V8's own
 * FinalizeOptimization waits for the queued and running jobs with the main thread parked, which
 * is the state in which a background job's collection goes ahead. That runtime function is
 * callable only while --allow-natives-syntax is on, which it is just long enough to compile one
 * call. Where V8 lacks any of this, nothing happens and the process ends as before.
 */
export function quiesceJit(): void {
  const ready = prepare();
  if (!ready || !stopOptimizing(ready)) return;
  ready.finalize();
}

/**
 * For a command whose remaining work is light and waits on others (a prompt without tools, once
 * its first chunk is out): loads what `quiesceJit` needs (node:v8 and the compiled call, ~2 ms),
 * and starts no more optimizing jobs from now on, so that those in flight finish while the rest
 * of the reply comes in and the process's end has none to wait for (it waited ~3 ms).
 */
export function quiesceJitEarly(): void {
  const ready = prepare();
  if (ready) stopOptimizing(ready);
}

function stopOptimizing(ready: NonNullable<typeof prepared>): boolean {
  try {
    ready.v8.setFlagsFromString('--no-turbofan');
    ready.v8.setFlagsFromString('--no-maglev');
    return true;
  } catch {
    return false;
  }
}

let prepared: { v8: typeof import('node:v8'); finalize: () => void } | null | undefined;

function prepare(): typeof prepared {
  if (prepared !== undefined) return prepared;
  prepared = null;
  let v8: typeof import('node:v8');
  try {
    v8 = process.getBuiltinModule('node:v8');
  } catch {
    return prepared;
  }
  try {
    v8.setFlagsFromString('--allow-natives-syntax');
    // V8's runtime syntax (%Name()) is not JavaScript: it can only be compiled from a string.
    prepared = { v8, finalize: new Function('%FinalizeOptimization()') as () => void };
  } catch {
    return prepared;
  } finally {
    v8.setFlagsFromString('--no-allow-natives-syntax');
  }
  return prepared;
}
