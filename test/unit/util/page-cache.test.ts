import { join } from 'node:path';
import { withPageCache } from '../../../src/util/page-cache.js';
import { availableEngines, openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engines = await availableEngines();

describe.each(engines.map((engine) => [engine.name, engine] as const))('withPageCache on %s', (_name, engine) => {
  it('reads with the small cache and no mapping, then puts both back, also when the read throws', () => {
    const dir = tempDir('llm-page-cache-');
    const db = openDatabase(engine, join(dir.path, 'logs.db'));
    try {
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3)');
      const setting = (name: string) => db.get<Record<string, number>>(`PRAGMA ${name}`)?.[name];
      db.exec('PRAGMA cache_size = -4000');
      db.exec('PRAGMA mmap_size = 1048576');
      const before = { cache: setting('cache_size'), mmap: setting('mmap_size') };
      const inside = withPageCache(db, 256, () => ({ cache: setting('cache_size'), mmap: setting('mmap_size'), sum: db.get<{ s: number }>('SELECT sum(x) AS s FROM t')!.s }));
      expect(inside.sum).toBe(6);
      expect(inside.cache).toBe(-256);
      // sql.js has no file to map: it reports no mmap_size at all.
      if (engine.kind === 'file') expect(inside.mmap).toBe(0);
      expect({ cache: setting('cache_size'), mmap: setting('mmap_size') }).toEqual(before);
      expect(() =>
        withPageCache(db, 64, () => {
          throw new Error('the read failed');
        }),
      ).toThrow('the read failed');
      expect({ cache: setting('cache_size'), mmap: setting('mmap_size') }).toEqual(before);
    } finally {
      db.close();
      dir.remove();
    }
  });
});
