import { Args, Command, Flags } from 'llm-host/command';
import { batchFlags, batchRequest } from '../lib/batch-flags.js';
import { cacheFlags, cacheOption } from '../lib/cache-flags.js';
import { untilRunsSettle } from '../lib/runs-settle.js';
import { parseShard } from '../lib/shards.js';
import { runExperimentFile } from '../services/run-file.js';

export default class ExperimentsRun extends Command {
  static override summary = 'Run the experiments a file exports: every run is scored by its metrics and logged to logs.db.';

  static override description = `FILE is a .ts, .js or .mjs module that exports one or more experiments
made with experiment() from 'llm-host/experiments' (TypeScript is compiled
on the fly; 'llm-host/experiments' resolves to this llm from any folder).
Runs execute concurrently; each is scored by the experiment's metrics and
logged with the prompt templates, bots and responses it used.

In a terminal a live view shows progress, counts, elapsed time and ETA,
each metric's running mean with its 95% confidence interval, the latest
errors and finished runs, and takes keys (listed on its help line):
  p      pause or resume starting new runs (running ones go on)
  q      stop gracefully, as the first Ctrl-C
  ↑ ↓    select a finished or failed run
  Enter  show its input, output, metric values, error and time (Esc: back)
  m      metric table: the means, or the difference from --baseline
Otherwise one line is printed per finished run (its time: the total,
metrics included, and the pipeline's part), then a summary (--json: the
summary as JSON only).

Ctrl-C stops starting runs and gives running ones 5 s to finish (a second
Ctrl-C cancels them); everything finished is logged, and the exit code is
130: 'llm experiments resume NAME|ID' runs the rest into the same
experiment (after a crash or kill -9 too).

--shard K/N runs only the Kth of N disjoint slices of the runs (run i when
i % N = K-1), so N machines or CI jobs share one experiment, each with its
own log; 'llm logs merge' joins the logs, and the shards show and compare
as one experiment.

--batch sends the model calls of OpenAI models through OpenAI's Batch API
(half the price, up to 24 hours): when every run waits on a model call, the
calls go out as batches (one per model and step; a judge metric is the next
step), their ids on stderr, polled every 30 s (--batch-poll) with progress
and ETA; each run goes on with its reply. Before submitting it prints the
estimated cost and asks on the terminal; --yes submits without asking, and
without a terminal --yes is required. Other models are called directly.
The batches are logged; 'llm experiments resume' reattaches to the ones in
flight instead of submitting them again. It takes no --timeout.

Experiments are logged even when 'llm logs off' is set; their responses
follow that setting (--log logs them anyway).`;

  static override examples = [
    '<%= config.bin %> experiments run examples/experiments/pitch.ts',
    '<%= config.bin %> experiments run pitch.ts --executions 50 --concurrency 8',
    '<%= config.bin %> experiments run pitch.ts --name pitch-terse --timeout 30',
    '<%= config.bin %> experiments run pitch.ts --json | jq .metrics',
    '<%= config.bin %> experiments run pitch.ts --baseline pitch   # m: compare with the last pitch run',
    '<%= config.bin %> experiments run pitch.ts --shard 3/8 -d shard-3.db',
    '<%= config.bin %> experiments run pitch.ts --cache --cache-ttl 7d   # no request the log can answer',
    '<%= config.bin %> experiments run pitch.ts --batch --yes   # OpenAI Batch API, without asking',
  ];

  static override args = {
    file: Args.string({ description: 'A .ts, .js or .mjs file that exports experiments.', required: true }),
  };

  static override flags = {
    executions: Flags.integer({ char: 'n', summary: 'How many runs (default: the experiment’s own, else its number of inputs, else 10).', helpValue: 'N' }),
    concurrency: Flags.integer({ char: 'c', summary: 'How many runs at once (default: the experiment’s own, else 4).', helpValue: 'N' }),
    name: Flags.string({ summary: 'Run only the experiment with this name (a file may export several).', helpValue: 'NAME' }),
    timeout: Flags.string({ summary: 'Seconds a run may take, metrics included; a run that takes longer is logged as an error.', helpValue: 'SECONDS' }),
    json: Flags.boolean({ summary: 'Print the summary as JSON (and no progress).' }),
    database: Flags.string({ char: 'd', summary: 'Log to this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
    log: Flags.boolean({ summary: 'Log the runs’ responses even when logging is off (llm logs off).' }),
    baseline: Flags.string({
      summary: 'A logged experiment (id, name or NAME~N) to compare the runs with: in the live view (key m), and after the summary; paired by input while every input run is one of its inputs.',
      helpValue: 'NAME',
    }),
    ...cacheFlags,
    ...batchFlags,
    shard: Flags.string({ summary: 'Run only the Kth of N disjoint slices of the runs; every shard logs to the same experiment id.', helpValue: 'K/N' }),
    'shard-group': Flags.string({
      summary: 'Tells sharded runs of the same file apart (e.g. a CI run id); default: the file’s contents.',
      helpValue: 'ID',
      dependsOn: ['shard'],
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExperimentsRun);
    const batching = batchRequest(flags);
    const llm = await this.llm();
    await untilRunsSettle(
      runExperimentFile(
        llm,
        {
          file: args.file,
          executions: flags.executions,
          concurrency: flags.concurrency,
          name: flags.name,
          timeout: flags.timeout === undefined ? undefined : Number(flags.timeout),
          database: flags.database,
          logResponses: flags.log,
          shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
          cache: cacheOption(flags),
          batch: batching.batch ? batching.options : undefined,
          shardGroup: flags['shard-group'],
          json: flags.json,
          live: Boolean(process.stdout.isTTY) && !flags.json && process.env.TERM !== 'dumb',
          baseline: flags.baseline,
        },
        { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
      ),
    );
  }
}
