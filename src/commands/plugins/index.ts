import * as Flags from '@oclif/core/flags';
import { Command } from '../../cli/command.js';
import type { LoadedPlugin } from '../../llm.js';

export default class Plugins extends Command {
  static override summary = 'List loaded plugins with their version and the hooks they tap.';

  static override examples = ['<%= config.bin %> plugins', '<%= config.bin %> plugins --all --json'];

  static override enableJsonFlag = true;

  static override flags = {
    all: Flags.boolean({ summary: 'Include the default plugins.' }),
  };

  async run(): Promise<LoadedPlugin[]> {
    const { flags } = await this.parse(Plugins);
    const llm = await this.llm();
    const plugins = llm.plugins.filter((plugin) => flags.all || plugin.kind !== 'default');
    if (!this.jsonEnabled()) {
      if (plugins.length === 0) this.log("No plugins installed. Run 'llm plugins --all' to include the default plugins.");
      for (const plugin of plugins) {
        const hooks = plugin.hooks.length > 0 ? plugin.hooks.join(', ') : 'none';
        const state = plugin.failed ? ` - ${plugin.failed}` : '';
        this.log(`${plugin.name} ${plugin.version ?? ''} (${plugin.kind}) hooks: ${hooks}${state}`.replace('  ', ' '));
      }
    }
    return plugins;
  }
}
