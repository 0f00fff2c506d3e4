import { createInterface } from 'node:readline/promises';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { Command } from '../../cli/command.js';
import { builtinIds } from '../../cli/dispatch.js';
import { warnUser } from '../../cli/host.js';
import { UsageError } from '../../errors.js';
import { PluginInstaller } from '../../services/plugin-installer.js';

export default class PluginsUninstall extends Command {
  static override summary = 'Uninstall plugins installed with llm plugins install.';

  static override aliases = ['uninstall'];

  static override examples = ['<%= config.bin %> plugins uninstall llm-markov', '<%= config.bin %> uninstall -y llm-markov llm-other'];

  static override strict = false;

  static override args = {
    name: Args.string({ description: 'Package name (or plugin name) to uninstall; several may be given.' }),
  };

  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Uninstall without asking for confirmation.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PluginsUninstall);
    const names = argv as string[];
    if (names.length === 0) throw new UsageError("Name the plugin to uninstall, e.g. 'llm plugins uninstall llm-markov'.");
    const installer = new PluginInstaller({ userDir: this.userDir(), cwd: process.cwd(), env: process.env, builtinIds: builtinIds(this.config), warn: warnUser });
    const packages = await installer.packagesFor(names);
    if (!flags.yes && !(await confirm(`Uninstall ${packages.join(', ')}? [y/N] `))) {
      this.log('Nothing was uninstalled.');
      return;
    }
    await installer.uninstall(packages);
    for (const name of packages) this.log(`Uninstalled ${name}`);
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('llm plugins uninstall asks before it removes anything: pass -y to uninstall without asking.');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
