import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { ImageDatabase, SqliteEngine } from './engines/types.js';
import { classify, readLog } from './log-file.js';

/**
 * Copies the log to `target`, which must not exist. Native engines use `VACUUM INTO` (as the Python
 * llm does), a consistent snapshot even while another process writes; sql.js writes its in-memory
 * image. The log itself is not changed.
 */
export async function backupLog(path: string, target: string, engine: SqliteEngine): Promise<void> {
  await readLog(path, engine, (db) => {
    if (engine.kind === 'file') {
      try {
        db.run('VACUUM INTO ?', [target]);
      } catch (error) {
        throw classify(target, error);
      }
      return;
    }
    const bytes = (db as ImageDatabase).export();
    let fd: number;
    try {
      fd = openSync(target, 'wx', 0o644);
    } catch (error) {
      throw classify(target, error);
    }
    try {
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}
