import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LlmError } from '../errors.js';
import { fetchBytes, fetchStart, type FetchLimits } from './fetch-url.js';
import { detectType, normalizeType, SNIFF_BYTES } from './detect-type.js';

/** Where an attachment's bytes come from, for `Attachment`'s constructor. */
export interface AttachmentInit {
  /** MIME type; when undefined it is detected from the content's magic bytes. */
  readonly type?: string | undefined;
  /** A file on disk (stored in the log as its absolute path). */
  readonly path?: string | undefined;
  /** An http(s) URL (stored in the log as the URL; fetched only when a model needs the bytes). */
  readonly url?: string | undefined;
  /** The bytes themselves (stdin, or made by a program): stored in the log. */
  readonly content?: Uint8Array | undefined;
  /** The id, when already known (an attachment read back from the log). */
  readonly id?: string | undefined;
}

/**
 * An image, audio clip, PDF or other file sent with a prompt: the Python llm's `Attachment`. It
 * comes from a path, a URL or bytes; a model reads its `resolveType()`, `bytes()`, `base64()` or
 * `url` without caring which. Its id is the SHA-256 of its bytes (of `{"url": "..."}` for a URL),
 * so the log stores each attachment once however often it is used.
 */
export class Attachment {
  /** The MIME type given or detected (`resolveType()` fills it in). */
  type: string | undefined;
  /** Absolute path of a file attachment. */
  readonly path: string | undefined;
  /** URL of a URL attachment. */
  readonly url: string | undefined;
  /** The bytes of an attachment made from bytes (the log stores these; a path or URL is stored as such). */
  readonly content: Uint8Array | undefined;
  #bytes: Uint8Array | undefined;
  #id: string | undefined;

  constructor(init: AttachmentInit) {
    const sources = [init.path, init.url, init.content].filter((value) => value !== undefined).length;
    if (sources !== 1) throw new LlmError('An attachment needs exactly one of path, url or content.');
    this.type = init.type === undefined ? undefined : normalizeType(init.type);
    this.path = init.path === undefined ? undefined : resolve(init.path);
    this.url = init.url;
    this.content = init.content;
    this.#bytes = init.content;
    this.#id = init.id;
  }

  /** A file on disk; its type is detected from its first bytes unless given. */
  static fromPath(path: string, type?: string): Attachment {
    return new Attachment({ path, type });
  }

  /** A URL; a model that takes URLs gets the URL, others get its bytes, fetched then. */
  static fromUrl(url: string, type?: string): Attachment {
    if (!/^https?:\/\//i.test(url)) throw new LlmError(`Attachment URL ${JSON.stringify(url)} must start with http:// or https://.`);
    return new Attachment({ url, type });
  }

  /** Bytes held in memory, e.g. read from stdin. */
  static fromBytes(bytes: Uint8Array, type?: string): Attachment {
    return new Attachment({ content: bytes, type });
  }

  /** Where it came from, for messages: the path, the URL, or `N bytes`. */
  get label(): string {
    return this.path ?? this.url ?? `${this.content?.length ?? 0} bytes`;
  }

  /** The MIME type: the one given, else detected from the first bytes (a URL: its first bytes only). */
  async resolveType(limits?: FetchLimits): Promise<string> {
    if (this.type) return this.type;
    const head = this.#bytes ?? (this.path !== undefined ? await this.readPath() : await fetchStart(this.url!, SNIFF_BYTES, limits));
    const detected = await detectType(head);
    if (!detected) {
      throw new LlmError(`Could not tell the type of attachment ${this.label} from its content. Give it with --at ${this.path || this.url ? this.label : '-'} MIMETYPE (e.g. image/png).`);
    }
    this.type = detected;
    return detected;
  }

  /** The content: read from the file or fetched from the URL the first time it is needed. */
  async bytes(limits?: FetchLimits): Promise<Uint8Array> {
    if (this.#bytes) return this.#bytes;
    this.#bytes = this.path !== undefined ? await this.readPath() : await fetchBytes(this.url!, limits);
    return this.#bytes;
  }

  /** The content as base64 (for data URLs and APIs that take base64). */
  async base64(limits?: FetchLimits): Promise<string> {
    return Buffer.from(await this.bytes(limits)).toString('base64');
  }

  /**
   * The Python llm's id: SHA-256 (hex) of the bytes, or for a URL of `{"url": "..."}` as Python's
   * `json.dumps` writes it, so both tools store the same attachment under the same id.
   */
  async id(): Promise<string> {
    if (this.#id) return this.#id;
    const hash = createHash('sha256');
    if (this.url !== undefined && this.content === undefined && this.path === undefined) hash.update(pythonJsonDumps({ url: this.url }), 'utf8');
    else hash.update(await this.bytes());
    this.#id = hash.digest('hex');
    return this.#id;
  }

  private async readPath(): Promise<Uint8Array> {
    try {
      this.#bytes = await readFile(this.path!);
      return this.#bytes;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? (error as Error).message})`;
      throw new LlmError(`Attachment ${this.path} ${why}. Check the path given to -a.`);
    }
  }
}

/** Python's `json.dumps(value)` for a flat object of strings: `{"key": "value"}`, non-ASCII escaped. */
function pythonJsonDumps(value: Readonly<Record<string, string>>): string {
  const escape = (text: string) => JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{${Object.entries(value).map(([key, inner]) => `${escape(key)}: ${escape(inner)}`).join(', ')}}`;
}
