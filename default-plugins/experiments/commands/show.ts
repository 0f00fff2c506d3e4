import { Args, Command, Flags } from 'llm-host/command';
import { findExperiment, loadExperiment, loadRuns } from '../services/queries.js';
import { detailsJson, formatDetails } from '../services/report.js';
import { readExperiments } from '../services/read-log.js';
import { loadShown, storeSummaries, type UnsavedSummary } from '../services/summaries.js';

export default class ExperimentsShow extends Command {
  static override summary = 'Show a logged experiment: per metric n, mean, sd, min, max and 95% CI; its prompts, bots and runs.';

  static override description = `ID|NAME is an experiment id (or the start of one), a name (its newest
run), or NAME~N (the Nth run of that name before the newest). The 95%
confidence interval of a mean uses Student's t; for a boolean metric (a
rate) it is Wilson's score interval. A run's time is its total, metrics
included, with its pipeline's part. An experiment whose process ended
before it finished (killed, crashed) shows as interrupted.`;

  static override examples = [
    '<%= config.bin %> experiments show pitch',
    '<%= config.bin %> experiments show pitch~1            # the run before the newest',
    '<%= config.bin %> experiments show 01jzq3v7 --runs 0  # every run',
    '<%= config.bin %> experiments show pitch --json',
  ];

  static override args = {
    experiment: Args.string({ description: 'Experiment id, id prefix, name, or NAME~N.', required: true }),
  };

  static override flags = {
    runs: Flags.integer({ summary: 'How many runs to list (default 20; 0 for all).', min: 0, default: 20, helpValue: 'N' }),
    json: Flags.boolean({ summary: 'Output the experiment, its metric statistics and every run as JSON.' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExperimentsShow);
    const llm = await this.llm();
    let unsaved: UnsavedSummary | undefined;
    const text = (await readExperiments(llm, flags.database, (db) => {
      const experiment = findExperiment(db, args.experiment);
      if (flags.json) return `${JSON.stringify(detailsJson(loadExperiment(db, experiment)), null, 2)}\n`;
      // The statistics come from the experiment's summary (or every run's metric values); only the runs listed are read whole.
      const shown = loadShown(db, experiment);
      unsaved = shown.unsaved;
      return formatDetails(shown.experiment, loadRuns(db, experiment.id, flags.runs === 0 ? undefined : flags.runs), { runs: flags.runs });
    }, flags.json || flags.runs === 0 ? {} : { pages: 'once' }))!;
    process.stdout.write(text);
    if (unsaved) await storeSummaries(llm, flags.database, [unsaved]);
  }
}
