import { Args, Command, Flags } from 'llm-host/command';

export default class EmbedModelsDefault extends Command {
  static override summary = 'Show or set the default embedding model.';

  static override description = 'Kept in default_embedding_model.txt in the user directory, as the Python llm does.';

  static override examples = ['<%= config.bin %> embed-models default', '<%= config.bin %> embed-models default 3-small', '<%= config.bin %> embed-models default --remove-default'];

  static override args = {
    model: Args.string({ description: 'Embedding model id or alias to make the default.', ignoreStdin: true }),
  };

  static override flags = {
    'remove-default': Flags.boolean({ summary: 'Set no default embedding model.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(EmbedModelsDefault);
    const llm = await this.llm();
    if (flags['remove-default']) {
      await llm.defaultEmbeddingModel.clear();
      return;
    }
    if (!args.model) {
      const current = await llm.defaultEmbeddingModel.get();
      if (current === undefined) process.stderr.write('<No default embedding model set>\n');
      else this.log(current);
      return;
    }
    const model = await llm.getEmbeddingModel(args.model);
    await llm.defaultEmbeddingModel.set(model.id);
  }
}
