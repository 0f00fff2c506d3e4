import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { Command } from '../../cli/command.js';
import { builtinIds } from '../../cli/dispatch.js';
import { warnUser } from '../../cli/host.js';
import { UsageError } from '../../errors.js';
import { PluginInstaller, type InstalledPlugin } from '../../services/plugin-installer.js';

export default class PluginsInstall extends Command {
  static override summary = 'Install plugins from npm, a local folder or a .tgz file.';

  static override description = `Plugins are installed with npm into the plugins/ folder of the user directory. Each one is
loaded as llm will load it before the install counts: a package that is not a plugin, throws while
loading, or registers a model id another plugin has is rolled back, and the folder is left as it was.`;

  static override aliases = ['install'];

  static override examples = [
    '<%= config.bin %> plugins install llm-markov',
    '<%= config.bin %> install llm-markov@0.1.0 ./my-plugin ./other-plugin-1.0.0.tgz',
    '<%= config.bin %> plugins install --upgrade llm-markov',
    '<%= config.bin %> plugins install --editable ~/code/llm-my-plugin',
  ];

  static override strict = false;

  static override args = {
    spec: Args.string({ description: 'An npm package (llm-foo, llm-foo@1.2), a local folder or a .tgz file; several may be given.' }),
  };

  static override flags = {
    upgrade: Flags.boolean({ char: 'U', summary: 'Upgrade packages to their latest version.' }),
    editable: Flags.string({
      char: 'e',
      summary: 'Load a local folder in place instead of copying it, for plugin development (repeatable).',
      multiple: true,
      helpValue: 'PATH',
    }),
  };

  static override enableJsonFlag = true;

  async run(): Promise<InstalledPlugin[]> {
    const { argv, flags } = await this.parse(PluginsInstall);
    const specs = argv as string[];
    if (specs.length === 0 && !flags.editable?.length) throw new UsageError("Name what to install, e.g. 'llm plugins install llm-markov'.");
    const installer = new PluginInstaller({ userDir: this.userDir(), cwd: process.cwd(), env: process.env, builtinIds: builtinIds(this.config), warn: warnUser });
    const installed = await installer.install(specs, { upgrade: flags.upgrade, editable: flags.editable ?? [] });
    if (!this.jsonEnabled()) {
      for (const plugin of installed) {
        const hooks = plugin.hooks.length > 0 ? plugin.hooks.join(', ') : 'none';
        const how = plugin.editable ? ', editable' : '';
        this.log(`Installed ${plugin.packageName}${plugin.version ? ` ${plugin.version}` : ''} (plugin ${plugin.pluginName}; hooks: ${hooks}${how})`);
      }
    }
    return installed;
  }
}
