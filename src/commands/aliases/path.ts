import { Command } from '../../cli/command.js';
import { AliasStore } from '../../user/aliases.js';

export default class AliasesPath extends Command {
  static override summary = 'Print the path of aliases.json.';

  static override examples = ['<%= config.bin %> aliases path'];

  async run(): Promise<void> {
    await this.parse(AliasesPath);
    this.log(new AliasStore(this.userDir()).path);
  }
}
