import { mkdirSync } from 'node:fs';
import { Fragment, UsageError } from 'llm-host';
import { Args, Command, Flags } from 'llm-host/command';
import { selectEngine } from '../../engines/select.js';
import { ALIAS_PATTERN, setAlias } from '../../fragments.js';
import { writeLog } from '../../log-file.js';
import { logPath } from '../../paths.js';

export default class FragmentsSet extends Command {
  static override summary = 'Give a fragment an alias: a path, URL, hash or - (stdin), stored in the log.';

  static override description = 'Then -f ALIAS uses it. Setting an alias again points it at the new fragment.';

  static override examples = ['<%= config.bin %> fragments set docs ./docs.md', 'cat notes.md | <%= config.bin %> fragments set notes -'];

  static override args = {
    alias: Args.string({ description: 'Letters, digits, _ and -.', required: true }),
    fragment: Args.string({ description: 'Path, URL, hash, alias, prefix:argument, or - for stdin.', required: true }),
  };

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Store it in this SQLite file instead of logs.db.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FragmentsSet);
    if (!ALIAS_PATTERN.test(args.alias)) throw new UsageError(`Fragment alias '${args.alias}' may use only letters, digits, '_' and '-'.`);
    const llm = await this.llm();
    const resolved = await llm.resolveFragments([args.fragment], { database: flags.database });
    if (resolved.length !== 1 || !(resolved[0] instanceof Fragment)) {
      throw new UsageError(`'${args.fragment}' gives ${resolved.length} fragments; an alias names exactly one.`);
    }
    const fragment = resolved[0];
    if (!flags.database) mkdirSync(llm.userDir, { recursive: true });
    await writeLog(logPath(llm.userDir, flags.database), await selectEngine(llm.env), (db) => setAlias(db, args.alias, fragment));
  }
}
