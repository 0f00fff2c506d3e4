import { Command } from 'llm-host/command';

export default class FragmentsLoaders extends Command {
  static override summary = 'List the fragment loaders plugins register: -f prefix:argument asks the loader for that prefix.';

  static override examples = ['<%= config.bin %> fragments loaders', '<%= config.bin %> -f dir:src "Where is the parser?"'];

  async run(): Promise<void> {
    await this.parse(FragmentsLoaders);
    const llm = await this.llm();
    const loaders = [...llm.fragmentLoaders().values()].sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
    if (loaders.length === 0) {
      this.log('No fragment loaders found');
      return;
    }
    // As the Python llm: `prefix:`, then the description indented (here with the plugin's name).
    this.log(loaders.map((entry) => `${entry.prefix}:\n  ${(entry.description ?? 'Undocumented').replace(/\n/g, '\n  ')}\n  (plugin ${entry.plugin})`).join('\n\n'));
  }
}
