/**
 * oclif's command module adds an `error` listener to process.stdout when it loads (it swallows
 * EPIPE). A CLI process loads it once; jest loads it again for every test file, into the one
 * process.stdout its worker shares, and after ten files Node warns of a listener leak that is not
 * there. Each file's listeners are removed when the file is done, as that file's modules are.
 */
const before = new Set(process.stdout.listeners('error'));

afterAll(() => {
  for (const listener of process.stdout.listeners('error')) {
    if (!before.has(listener)) process.stdout.off('error', listener as (...args: unknown[]) => void);
  }
});
