import { Args, Command, Flags } from 'llm-host/command';
import { batchFlags, batchRequest } from '../lib/batch-flags.js';
import { cacheFlags, cacheOption } from '../lib/cache-flags.js';
import { untilRunsSettle } from '../lib/runs-settle.js';
import { parseShard } from '../lib/shards.js';
import { resumeExperimentFile } from '../services/resume.js';

export default class ExperimentsResume extends Command {
  static override summary = 'Continue a stopped experiment: the runs it logged are kept, the missing ones run into the same experiment.';

  static override description = `ID|NAME is an experiment id (or the start of one), a name (its newest
run), or NAME~N. The experiment runs again from the file it was run from
(which must still be there), with its logged number of runs, concurrency
and timeout (--concurrency and --timeout override them); only the runs
missing from the log run. Works after Ctrl-C, a crash or kill -9 (runs that
had finished but were not yet written run again). A shard resumes the runs
of its slice. An experiment run with --batch resumes batched: its batches
still in flight (or completed) answer the calls they carry, nothing is
submitted twice; new batches are estimated and asked for as with run
(--yes without a terminal).`;

  static override examples = [
    '<%= config.bin %> experiments resume pitch',
    '<%= config.bin %> experiments resume 01jzq3v7 --concurrency 8',
    '<%= config.bin %> experiments resume pitch -d shard-3.db',
  ];

  static override args = {
    experiment: Args.string({ description: 'Experiment id, id prefix, name, or NAME~N.', required: true }),
  };

  static override flags = {
    concurrency: Flags.integer({ char: 'c', summary: 'How many runs at once (default: the logged one).', helpValue: 'N' }),
    timeout: Flags.string({ summary: 'Seconds a run may take, metrics included (default: the logged timeout).', helpValue: 'SECONDS' }),
    json: Flags.boolean({ summary: 'Print the summary as JSON (and no progress).' }),
    database: Flags.string({ char: 'd', summary: 'The SQLite file the experiment is logged in, instead of logs.db in the user directory.', helpValue: 'FILE' }),
    log: Flags.boolean({ summary: 'Log the runs’ responses even when logging is off (llm logs off).' }),
    ...cacheFlags,
    ...batchFlags,
    shard: Flags.string({ summary: 'Resume only this slice of the runs (default: the slices the log ran, or every run).', helpValue: 'K/N' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExperimentsResume);
    const batching = batchRequest(flags);
    const llm = await this.llm();
    await untilRunsSettle(
      resumeExperimentFile(
        llm,
        {
          reference: args.experiment,
          concurrency: flags.concurrency,
          timeout: flags.timeout === undefined ? undefined : Number(flags.timeout),
          database: flags.database,
          logResponses: flags.log,
          json: flags.json,
          shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
          cache: cacheOption(flags),
          batch: batching.batch ? batching.options : undefined,
          batchOptions: batching.options,
          live: Boolean(process.stdout.isTTY) && !flags.json && process.env.TERM !== 'dumb',
        },
        { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
      ),
    );
  }
}
