import * as Args from '@oclif/core/args';
import { Command } from '../../cli/command.js';
import { LlmError } from '../../errors.js';

export default class AliasesRemove extends Command {
  static override summary = 'Remove one of your aliases.';

  static override examples = ['<%= config.bin %> aliases remove mini'];

  static override args = { alias: Args.string({ description: 'The alias to remove.', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesRemove);
    const llm = await this.llm();
    if (!(await llm.aliases.remove(args.alias))) {
      throw new LlmError(`No alias named '${args.alias}' in ${llm.aliases.path}. Run 'llm aliases' to list them (aliases from plugins cannot be removed).`);
    }
  }
}
