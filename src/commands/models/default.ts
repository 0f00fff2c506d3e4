import * as Args from '@oclif/core/args';
import { Command } from '../../cli/command.js';
import { DefaultModelStore } from '../../user/default-model.js';

export default class ModelsDefault extends Command {
  static override summary = 'Show or set the default model.';

  static override description = 'The default model is used when no -m is given. It is kept in default_model.txt in the user directory.';

  static override examples = ['<%= config.bin %> models default', '<%= config.bin %> models default echo'];

  static override args = {
    model: Args.string({ description: 'Model id or alias to make the default.' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(ModelsDefault);
    if (!args.model) {
      this.log(await new DefaultModelStore(this.userDir()).get());
      return;
    }
    const llm = await this.llm();
    const model = await llm.getModel(args.model);
    await llm.defaultModel.set(model.id);
  }
}
