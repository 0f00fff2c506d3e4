import { Args, Command, Flags } from 'llm-host/command';
import { checkRegression, compareExperiments, failOnRegressions } from '../services/compare.js';
import { findExperiment, loadExperiment } from '../services/queries.js';
import { formatComparison, formatDifferences } from '../services/report.js';
import { readExperiments } from '../services/read-log.js';

export default class ExperimentsCompare extends Command {
  static override summary = 'Compare two logged experiments metric by metric: B - A with its 95% confidence interval.';

  static override description = `A and B are experiment ids, names (the newest of that name) or NAME~N. For each metric both
have: each mean, the difference B - A and its 95% confidence interval (Welch's for means, Newcombe's
for rates), marked * when the interval excludes 0. A warning lists what differs between the two:
prompt template versions, models, system prompts, options.

--fail-on-regression METRIC exits 1 when that metric got significantly worse in B, for CI. Higher is
better unless the metric declares otherwise (better: 'lower'); METRIC:lower or METRIC:higher says it
here.`;

  static override examples = [
    '<%= config.bin %> experiments compare pitch~1 pitch         # the newest run against the one before',
    '<%= config.bin %> experiments compare 01jzq3v7 01jzq9k2 --json',
    '<%= config.bin %> experiments compare baseline candidate --fail-on-regression judge --fail-on-regression length:lower',
  ];

  static override args = {
    a: Args.string({ description: 'The baseline: id, id prefix, name or NAME~N.', required: true }),
    b: Args.string({ description: 'The one compared with it.', required: true }),
  };

  static override flags = {
    json: Flags.boolean({ summary: 'Output the comparison as JSON.' }),
    'fail-on-regression': Flags.string({ summary: 'Exit 1 if this metric got significantly worse (repeatable; METRIC:lower if lower is better).', multiple: true, helpValue: 'METRIC' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExperimentsCompare);
    const llm = await this.llm();
    const comparison = (await readExperiments(llm, flags.database, (db) =>
      compareExperiments(loadExperiment(db, findExperiment(db, args.a)), loadExperiment(db, findExperiment(db, args.b))),
    ))!;
    const regressions = (flags['fail-on-regression'] ?? []).map((spec) => checkRegression(comparison, spec)).filter((m): m is string => m !== undefined);
    const warning = formatDifferences(comparison);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ...comparison, regressions }, null, 2)}\n`);
    } else {
      process.stdout.write(formatComparison(comparison));
    }
    if (warning) llm.warn(warning);
    failOnRegressions(regressions);
  }
}
