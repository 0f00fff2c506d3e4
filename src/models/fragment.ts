import { createHash } from 'node:crypto';

/**
 * A piece of text added to a prompt or system prompt (`-f`, `--sf`): the Python llm's `Fragment`.
 * Its id is the SHA-256 of its text, so the log stores it once however many prompts use it;
 * `source` says where it came from (a path, a URL, `-`, a loader's reference).
 */
export class Fragment {
  #hash: string | undefined;

  constructor(
    /** The text. */
    readonly content: string,
    /** Where it came from, for the log (`fragments.source`). */
    readonly source: string = '',
  ) {}

  /** A fragment from a string or a fragment (strings get an empty source). */
  static from(value: string | Fragment): Fragment {
    return value instanceof Fragment ? value : new Fragment(value);
  }

  /** SHA-256 of the UTF-8 text, in hex: `fragments.hash` in the log. */
  get hash(): string {
    this.#hash ??= createHash('sha256').update(this.content, 'utf8').digest('hex');
    return this.#hash;
  }

  toString(): string {
    return this.content;
  }
}
