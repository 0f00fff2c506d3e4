import { Command } from '../../cli/command.js';
import { TemplateStore } from '../../templates/store.js';
import { resolveUserDir } from '../../user/user-dir.js';

export default class TemplatesPath extends Command {
  static override summary = 'Print the path of your templates folder.';

  static override examples = ['<%= config.bin %> templates path'];

  async run(): Promise<void> {
    await this.parse(TemplatesPath);
    this.log(new TemplateStore(resolveUserDir()).dir);
  }
}
