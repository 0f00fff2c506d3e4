import { Args, Command, Flags } from 'llm-host/command';

export default class FragmentsShow extends Command {
  static override summary = 'Print a fragment: a stored one by hash or alias (or a path, URL or prefix:argument, as -f takes).';

  static override examples = ['<%= config.bin %> fragments show docs', '<%= config.bin %> fragments show 3b5a...'];

  static override args = {
    fragment: Args.string({ description: 'Hash, alias, path, URL or prefix:argument.', required: true }),
  };

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Look hashes and aliases up in this SQLite file instead of logs.db.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FragmentsShow);
    const llm = await this.llm();
    const [fragment] = await llm.resolveFragments([args.fragment], { database: flags.database, allowAttachments: true });
    process.stdout.write(`${String(fragment)}\n`);
  }
}
