import { join } from 'node:path';
import { availableEngines, openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engines = await availableEngines();

// An integer past 2^53 in a column with numeric affinity (a metric value of 2^53 + 2, a token
// count from a broken plugin): better-sqlite3 and sql.js read the nearest double, node:sqlite
// throws unless told to read BigInts. Every engine must read what the others read.
describe.each(engines.map((engine) => [engine.name, engine] as const))('huge integers on %s', (_name, engine) => {
  it('read as the nearest double through all, get and iterate, next to ordinary values', () => {
    const dir = tempDir('llm-engine-ints-');
    try {
      const db = openDatabase(engine, join(dir.path, 'ints.db'));
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v NUMERIC)');
      const values = [1, 2 ** 53 + 2, -(2 ** 60), 0.5, 7];
      values.forEach((v, i) => db.run('INSERT INTO t (id, v) VALUES (?, ?)', [i + 1, v]));
      expect(db.get<{ type: string }>('SELECT typeof(v) AS type FROM t WHERE id = 2')!.type).toBe('integer');
      const expected = values.map((v, i) => ({ id: i + 1, v }));
      const plain = (rows: object[]) => rows.map((row) => ({ ...row }));
      expect(plain(db.all('SELECT id, v FROM t ORDER BY id'))).toEqual(expected);
      expect({ ...db.get('SELECT id, v FROM t WHERE id = 2') }).toEqual(expected[1]);
      expect(plain([...db.iterate('SELECT id, v FROM t ORDER BY id')])).toEqual(expected);
      // The statement reads as before afterwards (no BigInts left switched on).
      expect(plain(db.all('SELECT id, v FROM t WHERE id <> 2 AND id <> 3 ORDER BY id'))).toEqual([expected[0], expected[3], expected[4]]);
      db.close();
    } finally {
      dir.remove();
    }
  });
});
