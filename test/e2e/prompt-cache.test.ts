import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { ageLoggedResponses, availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// llm prompt --cache and --cache-ttl through the built CLI, with the echo model and a real logs.db.

const [engine] = await availableEngines();

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('llm-prompt-cache-');
});
afterAll(() => dir.remove());

const llm = (args: string[]) => runCli(args, dir.path);
const logged = () => {
  const db = openDatabase(engine!, join(dir.path, 'logs.db'));
  try {
    return db.all<{ id: string }>('SELECT id FROM responses ORDER BY id').map((row) => row.id);
  } finally {
    db.close();
  }
};

describe('llm prompt --cache', () => {
  it('answers from the log within --cache-ttl, sends again once the logged answer is older, and says which ages it takes', async () => {
    const ask = (...flags: string[]) => llm(['-m', 'echo', 'hello', '--system', 'be brief', ...flags]);
    const first = await ask();
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(logged()).toHaveLength(1);
    // The same request with --cache: the logged answer, nothing sent or logged.
    expect(await ask('--cache', '--cache-ttl', '1h')).toMatchObject({ code: 0, stdout: first.stdout, stderr: '' });
    expect(logged()).toHaveLength(1);

    // Two hours later (the row made older in the file), 1h is too old: the request is sent again.
    ageLoggedResponses(join(dir.path, 'logs.db'), 2 * 3_600_000);
    expect(await ask('--cache', '--cache-ttl', '1h')).toMatchObject({ code: 0, stdout: first.stdout, stderr: '' });
    const [old, fresh] = logged();
    expect(fresh).toBeDefined();
    // 3h takes the old one too; the newest answers.
    expect(await ask('--cache', '--cache-ttl', '3h')).toMatchObject({ code: 0, stderr: '' });
    expect(logged()).toEqual([old, fresh]);

    for (const bad of ['7 days', '1y', 'soon']) {
      const result = await ask('--cache', '--cache-ttl', bad);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toBe(`Error: --cache-ttl takes an age with a unit: 30s, 15m, 12h, 7d or 2w (got '${bad}').\n`);
    }
    expect(logged()).toHaveLength(2);
  });
});
