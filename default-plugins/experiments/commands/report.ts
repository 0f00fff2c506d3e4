import { UsageError } from 'llm-host';
import { Args, Command, Flags } from 'llm-host/command';
import type { Correction } from '../lib/multiple-testing.js';
import { writeReport } from '../services/write-report.js';

export default class ExperimentsReport extends Command {
  static override summary = 'Write an HTML report of experiments: charts per metric, setups, runs.';

  static override description = `A is the baseline; each further experiment (B, C...) is compared with
it, as 'llm experiments compare' does (paired by input when they ran the
same inputs; Holm's correction across metrics). Per metric: each
experiment's values side by side (box plots, or rates with their
intervals), each difference from A with its 95% interval and p-values
(and the inputs it would take to show one not shown), and each input's
difference when paired. Then the setups (bots' models, options
and system prompts, prompt template versions, with a line diff of what
changed) and a table of every run (input, output, metric values, errors)
with a filter.

One self-contained file: its styles, data and scripts (d3 and Observable
Plot) are inline, so it opens offline and can be shared. It is written
atomically. --open opens it in the browser: the command in the BROWSER
environment variable if set, else the system's default.`;

  static override examples = [
    '<%= config.bin %> experiments report pitch~1 pitch -o report.html --open',
    '<%= config.bin %> experiments report baseline candidate-1 candidate-2 -o compare.html',
  ];

  static override strict = false;

  static override args = {
    experiments: Args.string({ description: 'Experiment ids, id prefixes, names or NAME~N; the first is the baseline.', required: true }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', summary: 'The HTML file to write.', helpValue: 'FILE' }),
    open: Flags.boolean({ summary: 'Open the report in the browser (BROWSER, else the system default).' }),
    correction: Flags.string({ summary: "Correct the p-values for testing many metrics: holm (Holm's method) or none.", options: ['holm', 'none'], default: 'holm' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ExperimentsReport);
    if (!flags.output) throw new UsageError('Give the file to write with -o, e.g. llm experiments report A B -o report.html.');
    const path = await writeReport(await this.llm(), argv as string[], {
      output: flags.output,
      database: flags.database,
      open: flags.open,
      correction: flags.correction as Correction,
    });
    process.stdout.write(`Wrote ${path}\n`);
  }
}
