import * as Flags from '@oclif/core/flags';
import { Command } from '../../cli/command.js';
import { formatModelLine, summarizeModels, type ModelSummary } from '../../services/describe-models.js';

export default class ModelsList extends Command {
  static override summary = 'List the models that plugins provide.';

  static override examples = ['<%= config.bin %> models', '<%= config.bin %> models list --options', '<%= config.bin %> models --json'];

  static override enableJsonFlag = true;

  static override flags = {
    options: Flags.boolean({ summary: "Show each model's options, features and key." }),
  };

  async run(): Promise<ModelSummary[]> {
    const { flags } = await this.parse(this.constructor as typeof ModelsList);
    const llm = await this.llm();
    const defaultId = await llm.defaultModel.get();
    const models = summarizeModels(await llm.getModels(), defaultId);
    if (!this.jsonEnabled()) {
      for (const model of models) this.log(formatModelLine(model, flags.options));
      this.log(`Default: ${defaultId}`);
    }
    return models;
  }
}
