import * as Args from '@oclif/core/args';
import { Command } from '../../cli/command.js';

export default class AliasesSet extends Command {
  static override summary = 'Make ALIAS another name for a model.';

  static override description = 'Stored in aliases.json in the user directory. Your aliases win over those plugins define.';

  static override examples = ['<%= config.bin %> aliases set mini gpt-4o-mini', '<%= config.bin %> -m mini "Hello"'];

  static override args = {
    alias: Args.string({ description: 'The new name.', required: true }),
    model: Args.string({ description: 'Model id or alias it stands for.', required: true }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesSet);
    const llm = await this.llm();
    const model = await llm.getModel(args.model);
    await llm.aliases.set(args.alias, model.id);
  }
}
