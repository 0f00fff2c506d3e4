import { join } from 'node:path';
import { JsonStore } from './json-store.js';

/** The user's model aliases in `aliases.json` (`{"alias": "model-id"}`), as the Python llm keeps them. */
export class AliasStore extends JsonStore {
  constructor(userDir: string) {
    super(join(userDir, 'aliases.json'), { what: 'aliases file' });
  }
}
