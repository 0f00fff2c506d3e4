import { existsSync } from 'node:fs';
import { LlmError } from 'llm-host';
import { Args, Command, Flags } from 'llm-host/command';
import { selectEngine } from '../../engines/select.js';
import { removeAlias } from '../../fragments.js';
import { writeLog } from '../../log-file.js';
import { logPath } from '../../paths.js';

export default class FragmentsRemove extends Command {
  static override summary = 'Remove a fragment alias (the fragment stays in the log, for the prompts that used it).';

  static override examples = ['<%= config.bin %> fragments remove docs'];

  static override args = {
    alias: Args.string({ description: 'The alias to remove.', required: true }),
  };

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Use this SQLite file instead of logs.db.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FragmentsRemove);
    const llm = await this.llm();
    const path = logPath(llm.userDir, flags.database);
    const removed = existsSync(path) && (await writeLog(path, await selectEngine(llm.env), (db) => removeAlias(db, args.alias)));
    if (!removed) throw new LlmError(`No fragment alias '${args.alias}' to remove ('llm fragments --aliases' lists them).`);
  }
}
