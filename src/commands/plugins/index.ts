import * as Flags from '@oclif/core/flags';
import { Command } from '../../cli/command.js';
import { pluginsDir, readPluginsManifest } from '../../host/installed-plugins.js';
import type { LoadedPlugin } from '../../host/llm.js';
import { describeInstalledFrom, installedFrom, type InstalledFrom } from '../../host/plugin-source.js';

/** A plugin as `llm plugins --json` shows it: where it came from too. */
type ListedPlugin = LoadedPlugin & { readonly source?: InstalledFrom };

export default class Plugins extends Command {
  static override summary = 'List loaded plugins with their version, where they came from and the hooks they tap.';

  static override examples = ['<%= config.bin %> plugins', '<%= config.bin %> plugins --all --json'];

  static override enableJsonFlag = true;

  static override flags = {
    all: Flags.boolean({ summary: 'Include the default plugins.' }),
  };

  async run(): Promise<ListedPlugin[]> {
    const { flags } = await this.parse(Plugins);
    const llm = await this.llm();
    const dir = pluginsDir(llm.userDir);
    const manifest = await readPluginsManifest(dir);
    const plugins: ListedPlugin[] = await Promise.all(
      llm.plugins
        .filter((plugin) => flags.all || plugin.kind !== 'default')
        .map(async (plugin) => {
          const source = plugin.kind === 'installed' && plugin.packageName ? await installedFrom(plugin.packageName, manifest, dir) : undefined;
          return source ? { ...plugin, source } : plugin;
        }),
    );
    if (!this.jsonEnabled()) {
      if (plugins.length === 0) this.log("No plugins installed. Run 'llm plugins --all' to include the default plugins.");
      for (const plugin of plugins) {
        const hooks = plugin.hooks.length > 0 ? plugin.hooks.join(', ') : 'none';
        const state = plugin.failed ? ` - ${plugin.failed}` : '';
        const from = plugin.source ? ` from ${describeInstalledFrom(plugin.source)}` : plugin.kind === 'config' && plugin.origin ? ` in ${plugin.origin}` : '';
        this.log(`${plugin.name} ${plugin.version ?? ''} (${plugin.kind}${from}) hooks: ${hooks}${state}`.replace('  ', ' '));
      }
    }
    return plugins;
  }
}
