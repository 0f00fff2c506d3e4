import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** The model used when none is named: the Python llm's default. */
export const FALLBACK_DEFAULT_MODEL = 'gpt-4o-mini';

/** The default model id in `default_model.txt`, as the Python llm keeps it. */
export class DefaultModelStore {
  /** Path of default_model.txt. */
  readonly path: string;

  constructor(userDir: string) {
    this.path = join(userDir, 'default_model.txt');
  }

  /** The stored default, or the fallback when none is stored. */
  async get(): Promise<string> {
    try {
      const text = (await readFile(this.path, 'utf8')).trim();
      return text || FALLBACK_DEFAULT_MODEL;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return FALLBACK_DEFAULT_MODEL;
      throw error;
    }
  }

  /** Stores a new default model id. */
  async set(modelId: string): Promise<void> {
    await writeFileAtomic(this.path, modelId + '\n');
  }
}
