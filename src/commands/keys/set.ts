import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { Command } from '../../cli/command.js';
import { UsageError } from '../../errors.js';
import { KeyStore } from '../../user/keys.js';
import { readSecret } from '../../services/read-secret.js';

export default class KeysSet extends Command {
  static override summary = 'Store an API key in keys.json.';

  static override description = `Type the key at the prompt (it is not shown) or pipe it in. keys.json is written
atomically and readable only by you (mode 0600). Whitespace around the key (a key file's final
newline) is dropped.`;

  static override examples = ['<%= config.bin %> keys set openai', 'cat key.txt | <%= config.bin %> keys set openai'];

  static override args = { name: Args.string({ description: "Name of the key, e.g. 'openai'.", required: true }) };

  static override flags = {
    value: Flags.string({ summary: 'The key itself (it may end up in your shell history; prefer the prompt).' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(KeysSet);
    const keys = new KeyStore(this.userDir());
    await keys.names(); // Refuse early if keys.json is corrupt, before asking for a value.
    const value = flags.value ?? (await readSecret('Enter key: '));
    if (value.trim() === '') throw new UsageError('The key is empty: type it at the prompt, pipe it in, or pass --value.');
    await keys.set(args.name, value);
  }
}
