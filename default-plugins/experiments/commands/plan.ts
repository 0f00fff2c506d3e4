import { Args, Command, Flags } from 'llm-host/command';
import { findExperiment, loadExperiment } from '../services/queries.js';
import { formatPlan, parseDelta, parsePower, planExperiments } from '../services/plan.js';
import { readExperiments } from '../services/read-log.js';

export default class ExperimentsPlan extends Command {
  static override summary = 'How many inputs (and executions per input) detect a difference in a metric, from the variance logged.';

  static override description = `NAME (and OTHER) are experiment ids, names or NAME~N. With NAME alone, the plan is for comparing
two independent experiments, from NAME's variance between inputs and within one input. With OTHER, a
second experiment over the same inputs, the plan is for a paired comparison (what 'llm experiments
compare' does then), from the variance of the per-input differences, which is usually much smaller.

The table gives, for 1, 2, 3, 5 and 10 executions per input (and the number used now), the inputs
needed for Student's t test to detect --detect DELTA with --power (0.8) at 5%, two-sided; the power
comes from the noncentral t distribution. DELTA is in the metric's units; a rate as a fraction (0.1:
ten points).`;

  static override examples = [
    '<%= config.bin %> experiments plan pitch --metric persuasive --detect 0.3',
    '<%= config.bin %> experiments plan pitch~1 pitch --metric no-hype --detect 0.1 --power 0.9',
  ];

  static override args = {
    name: Args.string({ description: 'The experiment whose variance to plan from: id, id prefix, name or NAME~N.', required: true }),
    other: Args.string({ description: 'A second experiment, for a paired plan over the inputs both ran.' }),
  };

  static override flags = {
    metric: Flags.string({ char: 'm', summary: 'The metric to plan for.', required: true, helpValue: 'METRIC' }),
    detect: Flags.string({ summary: "The difference to detect, in the metric's units (a rate as a fraction).", required: true, helpValue: 'DELTA' }),
    power: Flags.string({ summary: 'The chance of detecting it, between 0 and 1.', default: '0.8', helpValue: 'P' }),
    json: Flags.boolean({ summary: 'Output the plan as JSON.' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExperimentsPlan);
    const delta = parseDelta(flags.detect);
    const power = parsePower(flags.power);
    const llm = await this.llm();
    const report = (await readExperiments(llm, flags.database, (db) =>
      planExperiments(
        loadExperiment(db, findExperiment(db, args.name)),
        args.other === undefined ? undefined : loadExperiment(db, findExperiment(db, args.other)),
        flags.metric,
        delta,
        power,
      ),
    ))!;
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatPlan(report));
  }
}
