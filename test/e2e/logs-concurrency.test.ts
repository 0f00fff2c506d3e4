import { existsSync, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeLog } from '../../default-plugins/sqlite-logger/log-file.js';
import type { SqliteEngine } from '../../default-plugins/sqlite-logger/engines/types.js';
import { collect, runCli, startCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// Many CLI processes logging to one file at once, and a process killed in the middle of a write,
// on every engine that loads here (CI builds better-sqlite3, so native and sql.js both run).

const engines = await availableEngines();

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-concurrency-')));
afterEach(() => dir.remove());

const logFile = () => join(dir.path, 'logs.db');

/** Row count and integrity of the log, read with `engine`. */
function inspect(engine: SqliteEngine): { prompts: string[]; integrity: string } {
  const db = openDatabase(engine, logFile());
  try {
    return {
      prompts: db.all<{ prompt: string }>('SELECT prompt FROM responses ORDER BY rowid').map((r) => r.prompt),
      integrity: db.get<{ integrity_check: string }>('PRAGMA integrity_check')!.integrity_check,
    };
  } finally {
    db.close();
  }
}

/** A log with `count` rows of `size` characters each, written directly. */
async function seed(engine: SqliteEngine, count: number, size: number): Promise<string[]> {
  const prompts = Array.from({ length: count }, (_, i) => `seed ${i} ${'x'.repeat(size)}`);
  await writeLog(logFile(), engine, (db) => {
    db.run("INSERT INTO conversations VALUES ('seed', 'seed', 'echo')");
    prompts.forEach((prompt, i) =>
      db.run("INSERT INTO responses (id, model, prompt, response, conversation_id, options_json) VALUES (?, 'echo', ?, 'r', 'seed', '{}')", [`00seed${String(i).padStart(6, '0')}`, prompt]),
    );
  });
  return prompts;
}

describe.each(engines.map((engine) => [engine.name, engine] as const))('%s', (name, engine) => {
  const env = { LLM_SQLITE_ENGINE: name };

  it('keeps every row when 20 processes log to one file at once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => collect(startCli(['-m', 'echo', `prompt ${i}`], dir.path, { env }))));
    for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
    const { prompts, integrity } = inspect(engine);
    expect(integrity).toBe('ok');
    expect(prompts.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `prompt ${i}`).sort());
    expect(readdirSync(dir.path).filter((f) => f.startsWith('logs.db')).sort()).toEqual(['logs.db']);
  });

  it('survives SIGKILL in the middle of a write: every earlier row is there, and the next run logs', async () => {
    const earlier = await seed(engine, engine.kind === 'image' ? 3000 : 50, engine.kind === 'image' ? 2000 : 20);
    let killed: string | undefined;
    if (engine.kind === 'file') {
      // Hold a read lock, so the child's commit waits after writing its journal: a kill then is
      // certainly mid-write, and leaves a hot journal for the next open to roll back.
      const reader = openDatabase(engine, logFile());
      reader.exec('BEGIN');
      reader.get('SELECT count(*) AS n FROM responses');
      const child = startCli(['-m', 'echo', 'killed'], dir.path, { env });
      const journal = `${logFile()}-journal`;
      while (!(existsSync(journal) && statSync(journal).size > 0)) await sleep(5);
      child.kill('SIGKILL');
      expect((await collect(child)).signal).toBe('SIGKILL');
      reader.exec('COMMIT');
      reader.close();
      expect(statSync(journal).size).toBeGreaterThan(0);
      killed = 'killed';
    } else {
      // Stop the child the moment its temp file appears (before the rename), then kill it. Under
      // load a child may finish first: its row is then logged like any other; try again.
      for (let attempt = 0; attempt < 5 && !killed; attempt++) {
        const prompt = `attempt ${attempt}`;
        const child = startCli(['-m', 'echo', prompt], dir.path, { env });
        const watcher = watch(dir.path, (_event, file) => {
          if (!file?.startsWith('logs.db.tmp-') || child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGSTOP');
          if (existsSync(join(dir.path, file))) killed = prompt;
          child.kill('SIGKILL');
        });
        await collect(child);
        watcher.close();
        // Not caught before the rename: the row was written, like any other.
        if (!killed) earlier.push(prompt);
      }
      expect(killed).toBeDefined();
      expect(readdirSync(dir.path).some((f) => f.startsWith('logs.db.tmp-'))).toBe(true);
      expect(existsSync(`${logFile()}.lock`)).toBe(true);
    }
    const afterKill = inspect(engine);
    expect(afterKill.integrity).toBe('ok');
    expect(afterKill.prompts).toEqual(earlier);
    expect(afterKill.prompts).not.toContain(killed);

    // The next process recovers (the hot journal, or the dead process's lock and temp file) and logs.
    expect(await runCli(['-m', 'echo', 'after'], dir.path, { env })).toMatchObject({ code: 0, stderr: '' });
    const after = inspect(engine);
    expect(after.integrity).toBe('ok');
    expect(after.prompts.at(-1)).toBe('after');
    expect(after.prompts).toEqual([...earlier, 'after']);
    expect(readdirSync(dir.path).filter((f) => f.startsWith('logs.db')).sort()).toEqual(['logs.db']);
  });
});
