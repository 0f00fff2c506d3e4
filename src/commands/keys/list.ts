import { Command } from '../../cli/command.js';
import { KeyStore } from '../../user/keys.js';

export default class KeysList extends Command {
  static override summary = 'List the names of stored keys (never their values).';

  static override examples = ['<%= config.bin %> keys', '<%= config.bin %> keys list --json'];

  static override enableJsonFlag = true;

  async run(): Promise<string[]> {
    await this.parse(this.constructor as typeof KeysList);
    const names = await new KeyStore(this.userDir()).names();
    if (!this.jsonEnabled()) {
      if (names.length === 0) this.log("No keys stored. Add one with 'llm keys set NAME'.");
      for (const name of names) this.log(name);
    }
    return names;
  }
}
