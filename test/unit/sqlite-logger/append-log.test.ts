import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLog } from '../../../default-plugins/sqlite-logger/append-log.js';
import { backgroundWriterFor } from '../../../default-plugins/sqlite-logger/background-writer.js';
import type { FileEngine, SqliteEngine } from '../../../default-plugins/sqlite-logger/engines/types.js';
import { LogFileError, readLog, writeLog } from '../../../default-plugins/sqlite-logger/log-file.js';
import type { Migration } from '../../../default-plugins/sqlite-logger/migrations.js';
import type { Statement } from '../../../default-plugins/sqlite-logger/log-worker.js';
import { availableEngines, describeEachEngine } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A table of our own, as the experiments plugin adds. */
const notes: Migration = { name: 'test_notes_001', apply: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)') };
const options = { migrations: [notes] };
const note = (text: string | null): Statement => ['INSERT INTO notes (text) VALUES (?)', [text]];
const texts = (engine: SqliteEngine, path: string) => readLog(path, engine, (db) => db.all<{ text: string }>('SELECT text FROM notes ORDER BY id').map((r) => r.text), options);

const engines = await availableEngines();
const native = engines.filter((engine): engine is FileEngine => engine.kind === 'file');

describe.each(engines.map((engine) => [engine.name, engine] as const))('appendLog on %s', (_name, engine) => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('creates and migrates a missing log, then writes each batch in one transaction', async () => {
    const path = join(dir.path, 'logs.db');
    await appendLog(path, engine, [note('first'), note('second')], options);
    await appendLog(path, engine, [note('third')], options);
    expect(await texts(engine, path)).toEqual(['first', 'second', 'third']);
  });

  it('writes all of a batch or none of it', async () => {
    const path = join(dir.path, 'logs.db');
    await appendLog(path, engine, [note('kept')], options);
    // The second statement breaks NOT NULL: the first must not be kept either.
    await expect(appendLog(path, engine, [note('never kept'), note(null)], options)).rejects.toThrow(/NOT NULL/);
    await appendLog(path, engine, [note('after')], options);
    expect(await texts(engine, path)).toEqual(['kept', 'after']);
  });

  it('leaves a file that is not a database as it is, and says so', async () => {
    const path = join(dir.path, 'logs.db');
    writeFileSync(path, 'not a database, and long enough to look like a header of one'.repeat(20));
    const before = readFileSync(path);
    const failure = await appendLog(path, engine, [note('x')], options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LogFileError);
    expect((failure as LogFileError).problem).toBe('corrupt');
    expect(readFileSync(path)).toEqual(before);
  });
});

describeEachEngine(native, 'the log-writer thread for %s', (_name, engine) => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('commits the batches of a migrated log on the thread, and leaves migrations to this one', async () => {
    const path = join(dir.path, 'logs.db');
    const writer = backgroundWriterFor(engine)!;
    expect(writer).toBeDefined();
    const before = writer.committed;
    // A new log needs its migrations: they are code, so this thread applies them with the batch.
    await appendLog(path, engine, [note('migrated here')], options);
    expect(writer.committed).toBe(before);
    await appendLog(path, engine, [note('on the thread')], options);
    await appendLog(path, engine, [note('again')], options);
    expect(writer.committed).toBe(before + 2);
    // A log another writer changes in between (this thread, say) is seen as it is.
    await writeLog(path, engine, (db) => db.run('INSERT INTO notes (text) VALUES (?)', ['from here']), options);
    await appendLog(path, engine, [note('last')], options);
    expect(await texts(engine, path)).toEqual(['migrated here', 'on the thread', 'again', 'from here', 'last']);
  });

  it('writes a log that was moved aside and replaced, not the moved file', async () => {
    const path = join(dir.path, 'logs.db');
    await appendLog(path, engine, [note('one')], options);
    await appendLog(path, engine, [note('two')], options);
    const { renameSync } = await import('node:fs');
    renameSync(path, join(dir.path, 'old.db'));
    await appendLog(path, engine, [note('fresh')], options);
    await appendLog(path, engine, [note('fresh again')], options);
    expect(await texts(engine, path)).toEqual(['fresh', 'fresh again']);
    expect(await texts(engine, join(dir.path, 'old.db'))).toEqual(['one', 'two']);
  });

  it('writes here when the thread cannot start', async () => {
    const path = join(dir.path, 'logs.db');
    const broken: FileEngine = { ...engine, workerModule: join(dir.path, 'no-such-engine.js') };
    await appendLog(path, broken, [note('first')], options);
    await appendLog(path, broken, [note('second')], options);
    expect(backgroundWriterFor(broken)!.committed).toBe(0);
    expect(await texts(engine, path)).toEqual(['first', 'second']);
  });
});
