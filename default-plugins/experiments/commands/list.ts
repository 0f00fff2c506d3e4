import { Command, Flags } from 'llm-host/command';
import { listExperiments } from '../services/queries.js';
import { formatList } from '../services/report.js';
import { readExperiments } from '../services/read-log.js';

export default class ExperimentsList extends Command {
  static override summary = 'List logged experiments, newest first.';

  static override description = `Status is running, completed, failed or interrupted: stopped with
Ctrl-C, or its process ended before it finished (killed, crashed; only a
process on this host can be checked).`;

  static override examples = ['<%= config.bin %> experiments list', '<%= config.bin %> experiments list --name pitch -n 5', '<%= config.bin %> experiments list --json'];

  static override flags = {
    name: Flags.string({ summary: 'Only experiments with this name.', helpValue: 'NAME' }),
    count: Flags.integer({ char: 'n', summary: 'How many to show (default 20; 0 for all).', min: 0, default: 20, helpValue: 'N' }),
    json: Flags.boolean({ summary: 'Output the experiments as JSON.' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExperimentsList);
    const rows = (await readExperiments(await this.llm(), flags.database, (db) => listExperiments(db, { name: flags.name, limit: flags.count }), { missing: 'empty' })) ?? [];
    if (flags.json) process.stdout.write(`${JSON.stringify(rows.map((row) => ({ ...row, info: row.info ? (JSON.parse(row.info) as unknown) : null })), null, 2)}\n`);
    else process.stdout.write(formatList(rows));
  }
}
