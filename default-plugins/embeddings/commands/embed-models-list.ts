import { Command, Flags } from 'llm-host/command';

export default class EmbedModelsList extends Command {
  static override summary = 'List the embedding models that plugins provide.';

  static override examples = ['<%= config.bin %> embed-models', '<%= config.bin %> embed-models -q 3-small'];

  static override flags = {
    query: Flags.string({ char: 'q', summary: 'Only models whose id or aliases contain this (repeatable: all must match).', multiple: true, helpValue: 'TEXT' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(EmbedModelsList);
    const entries = await (await this.llm()).getEmbeddingModels();
    const queries = (flags.query ?? []).map((q) => q.toLowerCase());
    const lines = entries
      .filter((entry) => queries.every((q) => [entry.model.id, ...entry.aliases].some((name) => name.toLowerCase().includes(q))))
      .map((entry) => `${String(entry.model)}${entry.aliases.length > 0 ? ` (aliases: ${entry.aliases.join(', ')})` : ''}`);
    if (lines.length > 0) this.log(lines.join('\n'));
  }
}
