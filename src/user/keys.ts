import { join } from 'node:path';
import { MissingKeyError } from '../errors.js';
import { cleanKey } from '../util/clean-key.js';
import { JsonStore } from './json-store.js';

/** The note the Python llm writes at the top of keys.json; kept so the files look the same. */
const KEYS_NOTE_NAME = '// Note';
const KEYS_NOTE = 'This file stores secret API credentials. Do not share!';

/** What a model declares about its key. */
export interface KeyNeeds {
  readonly id: string;
  readonly needsKey?: string | undefined;
  readonly keyEnvVar?: string | undefined;
}

/** API keys in `keys.json` (mode 0600), in the Python llm's format. */
export class KeyStore {
  private readonly store: JsonStore;

  constructor(userDir: string) {
    this.store = new JsonStore(join(userDir, 'keys.json'), { mode: 0o600, what: 'keys file' });
  }

  /** Path of keys.json. */
  get path(): string {
    return this.store.path;
  }

  /** Names of the stored keys (never their values). */
  async names(): Promise<string[]> {
    return Object.keys(await this.store.read())
      .filter((name) => name !== KEYS_NOTE_NAME)
      .sort();
  }

  /** The stored value of one key, if any, without surrounding whitespace (see `cleanKey`). */
  async get(name: string): Promise<string | undefined> {
    const keys = await this.store.read();
    return name === KEYS_NOTE_NAME ? undefined : cleanKey(keys[name]);
  }

  /** Stores a key (without surrounding whitespace), atomically, keeping the file private to the user. */
  async set(name: string, value: string): Promise<void> {
    const key = cleanKey(value);
    await this.store.update((keys) => ({ [KEYS_NOTE_NAME]: KEYS_NOTE, ...keys, [name]: key ?? '' }));
  }

  /**
   * The key a model should use, in this order: `explicit` (a stored key's name, or the key
   * itself), the stored key named by `model.needsKey`, the model's environment variable.
   * Throws MissingKeyError when the model needs a key and none is found.
   */
  async resolve(model: KeyNeeds, explicit: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
    const typed = cleanKey(explicit);
    if (typed) return (await this.get(typed)) ?? typed;
    if (!model.needsKey) return undefined;
    const stored = await this.get(model.needsKey);
    if (stored) return stored;
    const fromEnv = model.keyEnvVar ? cleanKey(env[model.keyEnvVar]) : undefined;
    if (fromEnv) return fromEnv;
    throw new MissingKeyError(model.id, model.needsKey, model.keyEnvVar);
  }
}

