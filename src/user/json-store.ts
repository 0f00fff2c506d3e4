import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { LlmError } from '../errors.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/**
 * A JSON object of string values kept in one file of the user directory (`keys.json`,
 * `aliases.json`). A missing file reads as empty. A file that is not a JSON object of strings is
 * an error naming the file, and is never overwritten. Writes are atomic.
 */
export class JsonStore {
  /** The last read, reused while the file is unchanged (same inode, size and mtime). */
  private cached: { readonly ino: number; readonly size: number; readonly mtimeMs: number; readonly data: Record<string, string> } | undefined;

  constructor(
    /** Absolute path of the file. */
    readonly path: string,
    private readonly options: { mode?: number; what: string } = { what: 'file' },
  ) {}

  /**
   * Reads the whole object (a copy the caller may change). Keys are looked up for every request,
   * so an unchanged file is not read and parsed again: one stat tells.
   */
  async read(): Promise<Record<string, string>> {
    let stat;
    try {
      stat = statSync(this.path, { throwIfNoEntry: false });
    } catch {
      return this.readFile(); // says what is wrong (no permission, say)
    }
    if (!stat) {
      this.cached = undefined;
      return {};
    }
    const cached = this.cached;
    if (cached && cached.ino === stat.ino && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return { ...cached.data };
    const data = await this.readFile();
    this.cached = { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, data };
    return { ...data };
  }

  private async readFile(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new LlmError(`Cannot read ${this.options.what} ${this.path}: ${(error as Error).message}`);
    }
    let data: unknown;
    try {
      data = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`it is not valid JSON (${(error as Error).message})`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw this.corrupt('it is not a JSON object');
    return data as Record<string, string>;
  }

  /** Sets one entry and writes the file atomically. Refuses to write over a corrupt file. */
  async set(name: string, value: string): Promise<void> {
    await this.update((data) => ({ ...data, [name]: value }));
  }

  /** Reads, transforms and writes the object back in one atomic write. */
  async update(transform: (data: Record<string, string>) => Record<string, string>): Promise<void> {
    await this.write(transform(await this.read()));
  }

  /** Removes one entry; returns false if it was not there. */
  async remove(name: string): Promise<boolean> {
    const data = await this.read();
    if (!Object.hasOwn(data, name)) return false;
    delete data[name];
    await this.write(data);
    return true;
  }

  private async write(data: Record<string, string>): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(data, null, 2) + '\n', this.options);
  }

  private corrupt(why: string): LlmError {
    return new LlmError(`${this.options.what} ${this.path} is unreadable: ${why}. Fix it or move it aside; llm will not overwrite it.`);
  }
}
