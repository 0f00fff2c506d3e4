import { Command } from '../../cli/command.js';
import { KeyStore } from '../../user/keys.js';

export default class KeysPath extends Command {
  static override summary = 'Print the path of keys.json.';

  static override examples = ['<%= config.bin %> keys path'];

  async run(): Promise<void> {
    await this.parse(KeysPath);
    this.log(new KeyStore(this.userDir()).path);
  }
}
