import type { SqlDatabase } from '../log-store.js';

/**
 * Runs `read` with the connection's page cache at `kib` KiB and without memory-mapped reads, then
 * puts both back. For a query that reads many pages once each (every match of a search, every run
 * of an experiment): with a large cache every page read takes a fresh buffer from a growing heap,
 * and its page faults cost more than the read itself, while a small cache reuses its buffers; a
 * mapped page costs a page fault of its own. In-memory engines (sql.js) accept and ignore both.
 */
export function withPageCache<T>(db: SqlDatabase, kib: number, read: () => T): T {
  const cache = Number(db.get<{ cache_size: number }>('PRAGMA cache_size')?.cache_size ?? -2000);
  const mmap = Number(db.get<{ mmap_size: number }>('PRAGMA mmap_size')?.mmap_size ?? 0);
  db.exec(`PRAGMA cache_size = ${-Math.floor(kib)}`);
  if (mmap !== 0) db.exec('PRAGMA mmap_size = 0');
  try {
    return read();
  } finally {
    db.exec(`PRAGMA cache_size = ${cache}`);
    if (mmap !== 0) db.exec(`PRAGMA mmap_size = ${mmap}`);
  }
}
