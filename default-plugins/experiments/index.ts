import { definePlugin } from 'llm-host';
import { currentRun } from './lib/run-context.js';
import { EXPERIMENT_MIGRATIONS } from './lib/schema.js';
import { BUILTIN_METRICS } from './metrics.js';

/**
 * Default plugin: experiments. Registers the built-in metrics (length, json-valid, regex-match,
 * llm-judge), the experiments' tables in logs.db, a `logResponse` tap that links every response
 * logged during an experiment run to that run, and the `llm experiments` commands. The commands,
 * the file loader (jiti) and the live view (Ink, React) load only when a command runs.
 */
export default definePlugin({
  name: 'experiments',
  description: 'Experiments: run prompt pipelines many times, score them with metrics, log and compare them',
  apply(hooks) {
    hooks.registerMetrics.tap('experiments', (register) => {
      for (const metric of BUILTIN_METRICS) register(metric);
    });
    hooks.registerLogMigrations.tap('experiments', (register) => {
      for (const migration of EXPERIMENT_MIGRATIONS) register(migration);
    });
    // Before the logger (stage -10): the run sees the response as its logging starts, so it
    // waits for it to be written before the run is logged with a link to it.
    hooks.logResponse.tap({ name: 'experiments', stage: -10 }, (response) => {
      currentRun()?.recordResponse(response);
    });
    hooks.registerCommands.tap('experiments', (register) => {
      register('experiments', () => import('./commands/list.js'));
      register('experiments list', () => import('./commands/list.js'));
      register('experiments run', () => import('./commands/run.js'));
      register('experiments resume', () => import('./commands/resume.js'));
      register('experiments show', () => import('./commands/show.js'));
      register('experiments compare', () => import('./commands/compare.js'));
      register('experiments metrics', () => import('./commands/metrics.js'));
      register('experiments plan', () => import('./commands/plan.js'));
      register('experiments report', () => import('./commands/report.js'));
    });
  },
});
