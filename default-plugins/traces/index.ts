import { definePlugin } from 'llm-host';
import { TRACE_MIGRATIONS } from './migrations.js';

/**
 * Default plugin: keeps the traces of `llmFunction` and `llmStrategy` calls in the log database
 * (its own tables, added with `registerLogMigrations`), written once per finished root call
 * through `logTrace`, and adds `llm traces list` and `llm traces show`. This file only taps hooks;
 * the writing and the commands load when they are used.
 */
export default definePlugin({
  name: 'traces',
  description: 'Keeps llmFunction and llmStrategy traces in logs.db; llm traces',
  apply(hooks, context) {
    hooks.registerLogMigrations.tap('traces', (register) => {
      for (const migration of TRACE_MIGRATIONS) register(migration);
    });
    hooks.logTrace.tapPromise('traces', async (trace, log) => {
      const { logTrace } = await import('./log-trace.js');
      await logTrace(trace, log, context);
    });
    hooks.registerCommands.tap('traces', (register) => {
      register('traces', () => import('./commands/list.js'));
      register('traces list', () => import('./commands/list.js'));
      register('traces show', () => import('./commands/show.js'));
    });
  },
});
