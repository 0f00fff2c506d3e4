import { join } from 'node:path';
import type { FileEngine, SqliteDatabase } from '../../../default-plugins/sqlite-logger/engines/types.js';
import { openAhead, writeLog } from '../../../default-plugins/sqlite-logger/log-file.js';
import { RESPONSE_STATEMENTS } from '../../../default-plugins/sqlite-logger/record.js';
import { availableEngines, openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const native = (await availableEngines()).filter((engine): engine is FileEngine => engine.kind === 'file');

/** The engine, counting the connections it opens and the statements prepared on them ahead. */
function counting(engine: FileEngine): { engine: FileEngine; opened: number; prepared: string[] } {
  const seen = { opened: 0, prepared: [] as string[] };
  const wrapped: FileEngine = {
    ...engine,
    open(path, options) {
      seen.opened++;
      const db = engine.open(path, options);
      const prepare = db.prepare!;
      return {
        ...db,
        prepare(sql: string) {
          prepare(sql);
          seen.prepared.push(sql);
        },
      } satisfies SqliteDatabase;
    },
  };
  return Object.assign(seen, { engine: wrapped });
}

// One block per native engine (describe.each refuses an empty list: a run with sql.js alone has none).
for (const engine of native) {
  describe(`openAhead on ${engine.name}`, () => {
    it('prepares what the write will run on the connection the write then takes; a statement that does not prepare yet is left for the write', async () => {
      const dir = tempDir('llm-open-ahead-');
      try {
        const path = join(dir.path, 'logs.db');
        await writeLog(path, engine, () => undefined); // the log, migrated
        const spy = counting(engine);
        openAhead(path, spy.engine, [...RESPONSE_STATEMENTS, 'INSERT INTO [not_yet_a_table] ([x]) VALUES (?)']);
        expect(spy.opened).toBe(1);
        expect(spy.prepared).toEqual(RESPONSE_STATEMENTS);
        await writeLog(path, spy.engine, (db) => {
          db.run(RESPONSE_STATEMENTS[0]!, ['01conversation0000000000000', 'a name', 'echo']);
        });
        expect(spy.opened).toBe(1); // the write took the connection opened ahead
        const db = openDatabase(engine, path);
        try {
          expect(db.all('SELECT [id], [name], [model] FROM [conversations]')).toEqual([{ id: '01conversation0000000000000', name: 'a name', model: 'echo' }]);
        } finally {
          db.close();
        }
      } finally {
        dir.remove();
      }
    });

    it('does nothing for a log that does not exist yet: the write creates it', async () => {
      const dir = tempDir('llm-open-ahead-');
      try {
        const path = join(dir.path, 'logs.db');
        const spy = counting(engine);
        openAhead(path, spy.engine, RESPONSE_STATEMENTS);
        expect(spy.opened).toBe(0);
        await writeLog(path, spy.engine, (db) => void db.run(RESPONSE_STATEMENTS[0]!, ['01conversation0000000000001', 'first', 'echo']));
        expect(spy.opened).toBe(1);
      } finally {
        dir.remove();
      }
    });
  });
}

if (native.length === 0) it.skip('openAhead needs a native SQLite engine', () => undefined);
