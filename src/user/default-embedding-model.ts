import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** The default embedding model id in `default_embedding_model.txt`, as the Python llm keeps it. */
export class DefaultEmbeddingModelStore {
  /** Path of default_embedding_model.txt. */
  readonly path: string;

  constructor(userDir: string) {
    this.path = join(userDir, 'default_embedding_model.txt');
  }

  /** The stored default, if one is set. */
  async get(): Promise<string | undefined> {
    try {
      return (await readFile(this.path, 'utf8')).trim() || undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Stores a new default model id. */
  async set(modelId: string): Promise<void> {
    await writeFileAtomic(this.path, modelId);
  }

  /** Forgets the default. */
  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
