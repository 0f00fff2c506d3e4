import { Command, Flags } from 'llm-host/command';
import { selectEngine } from '../engines/select.js';
import { mergeLogs } from '../merge-logs.js';

export default class LogsMerge extends Command {
  static override summary = 'Copy into the log every row it lacks from other log databases (responses, conversations, experiments, traces, tools, attachments, fragments).';

  static override description = `Each OTHER.db is read, never changed. Everything is merged in one transaction: if any part
fails, the log is left as it was. Rows are matched by their ids (ULIDs and hashes), so merging the
same file twice adds nothing. Use it to gather the logs of an experiment's shards
('llm experiments run FILE --shard K/N'), which then show and compare as one experiment.`;

  static override examples = [
    '<%= config.bin %> logs merge shard-1.db shard-2.db shard-3.db shard-4.db',
    '<%= config.bin %> logs merge laptop-logs.db -d combined.db',
  ];

  static override strict = false;

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Merge into this SQLite file instead of logs.db in the user directory (created if missing).', helpValue: 'FILE' }),
    json: Flags.boolean({ summary: 'Output what was added from each file as JSON.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(LogsMerge);
    const llm = await this.llm();
    const target = await llm.logStore(flags.database);
    const counts = await mergeLogs(target, argv as string[], await selectEngine(llm.env));
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(counts, null, 2)}\n`);
      return;
    }
    for (const count of counts) {
      const added = Object.entries(count.added).map(([table, n]) => `${n} ${table}`);
      const skipped = Object.entries(count.skipped).map(([table, n]) => `${n} ${table}`);
      this.log(`${count.source}: ${added.length > 0 ? `added ${added.join(', ')}` : 'nothing new'}${skipped.length > 0 ? `; left out ${skipped.join(', ')} (the log has them under other ids)` : ''}`);
    }
    this.log(`Merged into ${target.path}`);
  }
}
