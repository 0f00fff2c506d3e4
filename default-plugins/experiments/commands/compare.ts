import { Args, Command, Flags } from 'llm-host/command';
import type { Correction } from '../lib/multiple-testing.js';
import { checkRegression, compareExperiments, failOnRegressions } from '../services/compare.js';
import { parseDelta, parsePower } from '../services/plan.js';
import { loadComparable, storeSummaries } from '../services/summaries.js';
import { findExperiment } from '../services/queries.js';
import { formatComparison, formatDifferences } from '../services/report.js';
import { readExperiments } from '../services/read-log.js';

export default class ExperimentsCompare extends Command {
  static override summary = 'Compare two logged experiments metric by metric: B - A, its 95% confidence interval and p-values.';

  static override description = `A and B are experiment ids, names (the newest of that name) or NAME~N.

When both ran the same inputs (the same JSON, whatever the key order), they are compared input by
input: each input's runs are averaged first (repeats of one input are not independent samples),
then Student's t interval over the per-input differences; a true/false metric with one run per
input gets McNemar's exact test and the Agresti-Min interval. Otherwise each side is a sample:
Welch's interval for means, Newcombe's for rates (Fisher's exact p). The output says which, and n.

p-values are corrected across the metrics with Holm's method (--correction none: each metric on its
own); * marks a metric significant at 5% after the correction. A difference not shown gets the
number of inputs that would show it (at 80% power: --power), planned for the observed difference
or for --detect DELTA. A warning lists what differs between the two setups: prompt template
versions, models, system prompts, options.

--fail-on-regression METRIC exits 1 when that metric got significantly worse in B (after the
correction), for CI. Higher is better unless the metric declares otherwise (better: 'lower');
METRIC:lower or METRIC:higher says it here.`;

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
    correction: Flags.string({ summary: "Correct the p-values for testing many metrics: holm (Holm's method) or none.", options: ['holm', 'none'], default: 'holm' }),
    power: Flags.string({ summary: 'The power the sample-size plans aim for, between 0 and 1.', default: '0.8', helpValue: 'P' }),
    detect: Flags.string({ summary: 'Plan for this difference (in the metric\'s units; a rate as a fraction) instead of the observed one.', helpValue: 'DELTA' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExperimentsCompare);
    const llm = await this.llm();
    const { comparison, unsaved } = (await readExperiments(
      llm,
      flags.database,
      (db) => {
        const a = loadComparable(db, findExperiment(db, args.a));
        const b = loadComparable(db, findExperiment(db, args.b));
        const options = { correction: flags.correction as Correction, power: parsePower(flags.power), detect: flags.detect === undefined ? undefined : parseDelta(flags.detect) };
        return { comparison: compareExperiments(a.experiment, b.experiment, options), unsaved: [a.unsaved, b.unsaved].filter((s) => s !== undefined) };
      },
      { pages: 'once' },
    ))!;
    const regressions = (flags['fail-on-regression'] ?? []).map((spec) => checkRegression(comparison, spec)).filter((m): m is string => m !== undefined);
    const warning = formatDifferences(comparison);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ...comparison, regressions }, null, 2)}\n`);
    } else {
      process.stdout.write(formatComparison(comparison));
    }
    if (warning) llm.warn(warning);
    // What was summarized from every run is kept, so that the next compare reads only that.
    await storeSummaries(llm, flags.database, unsaved);
    failOnRegressions(regressions);
  }
}
