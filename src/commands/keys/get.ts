import * as Args from '@oclif/core/args';
import { Command } from '../../cli/command.js';
import { KeyStore } from '../../user/keys.js';
import { LlmError } from '../../errors.js';

export default class KeysGet extends Command {
  static override summary = 'Print a stored key, e.g. to export it to another program.';

  static override description = 'This is the one command that prints a key, because you asked for it by name.';

  static override examples = ['export OPENAI_API_KEY=$(<%= config.bin %> keys get openai)'];

  static override args = { name: Args.string({ description: 'Name of the key.', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(KeysGet);
    const value = await new KeyStore(this.userDir()).get(args.name);
    if (value === undefined) throw new LlmError(`No key named '${args.name}' is stored. Run 'llm keys' to list them or 'llm keys set ${args.name}' to add it.`);
    this.log(value);
  }
}
