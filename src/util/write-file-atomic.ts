import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file so that readers see either the old or the new content, never a torn one: a temp
 * file beside it, fsync, rename. Creates the parent directory. Loads its library lazily.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const { default: writeFileAtomicLib } = await import('write-file-atomic');
  await writeFileAtomicLib(path, typeof data === 'string' ? data : Buffer.from(data), {
    fsync: true,
    ...(options.mode === undefined ? {} : { mode: options.mode }),
  });
}
