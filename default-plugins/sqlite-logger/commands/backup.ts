import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Args, Command, Flags } from 'llm-host/command';
import { LlmError } from 'llm-host';
import { backupLog } from '../backup.js';
import { selectEngine } from '../engines/select.js';
import { logPath } from '../paths.js';
import { humanSize } from '../util.js';

export default class LogsBackup extends Command {
  static override summary = 'Back up the log database to a new file (a consistent copy, safe while llm runs).';

  static override examples = ['<%= config.bin %> logs backup ~/logs-backup.db'];

  static override args = {
    path: Args.string({ description: 'The backup file to create (it must not exist).', required: true }),
  };

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Back up this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(LogsBackup);
    const llm = await this.llm();
    const target = resolve(args.path);
    if (existsSync(target)) throw new LlmError(`${target} already exists: choose a new file name for the backup.`);
    await backupLog(logPath(llm.userDir, flags.database), target, await selectEngine(llm.env));
    this.log(`Backed up ${humanSize(statSync(target).size)} to ${target}`);
  }
}
