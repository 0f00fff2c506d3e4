import { Command } from '../../cli/command.js';

export default class AliasesList extends Command {
  static override summary = 'List model aliases: those plugins define and your own.';

  static override examples = ['<%= config.bin %> aliases', '<%= config.bin %> aliases list --json'];

  static override enableJsonFlag = true;

  async run(): Promise<Record<string, string>> {
    await this.parse(this.constructor as typeof AliasesList);
    const llm = await this.llm();
    const all: Record<string, string> = {};
    for (const { model, aliases } of await llm.getModels()) for (const alias of aliases) all[alias] = model.id;
    Object.assign(all, await llm.aliases.read());
    if (!this.jsonEnabled()) {
      const width = Math.max(0, ...Object.keys(all).map((a) => a.length));
      for (const [alias, id] of Object.entries(all)) this.log(`${alias.padEnd(width)} : ${id}`);
    }
    return all;
  }
}
