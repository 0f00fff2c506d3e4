import { definePlugin } from 'llm-host';

/**
 * Default plugin: logs every response to logs.db (SQLite, the Python llm's schema), rebuilds
 * logged conversations for `llm -c`/`--cid`, opens the log for plugins that keep records in it
 * (`openLogStore`), looks stored fragments up by hash or alias (`resolveFragment`), and adds the
 * `llm logs` and `llm fragments` commands. This file only
 * taps hooks: the SQLite engines and everything else load when a response is logged or a command
 * runs, never for `llm --version`, `llm models` or `--help`.
 */
let logger: Promise<typeof import('./logger.js')> | undefined;

export default definePlugin({
  name: 'sqlite-logger',
  description: 'Logs prompts and responses to logs.db (SQLite); llm logs, llm -c',
  apply(hooks, context) {
    hooks.prepareLog.tapPromise('sqlite-logger', async (log) => {
      const { prepareLog } = await (logger ??= import('./logger.js'));
      await prepareLog(log, context);
    });
    hooks.logResponse.tapPromise('sqlite-logger', async (response, log) => {
      // Imported once: an experiment logs a response per run, and each import() costs a lookup.
      const { logResponse } = await (logger ??= import('./logger.js'));
      await logResponse(response, log, context);
    });
    hooks.resolveConversation.tapPromise('sqlite-logger', async (request) => {
      const { loadConversation } = await import('./conversations.js');
      return loadConversation(request, context);
    });
    hooks.openLogStore.tapPromise('sqlite-logger', async (request) => {
      const { openLogStore } = await import('./log-store.js');
      return openLogStore(request, context);
    });
    hooks.resolveFragment.tapPromise('sqlite-logger', async (request) => {
      const { loadStoredFragment } = await import('./fragments.js');
      return loadStoredFragment(request, context);
    });
    hooks.findCachedResponse.tapPromise('sqlite-logger', async (request) => {
      const { findCachedResponse } = await import('./cache-lookup.js');
      return findCachedResponse(request, context);
    });
    hooks.registerCommands.tap('sqlite-logger', (register) => {
      register('logs', () => import('./commands/list.js'));
      register('logs list', () => import('./commands/list.js'));
      register('logs path', () => import('./commands/path.js'));
      register('logs status', () => import('./commands/status.js'));
      register('logs on', () => import('./commands/on.js'));
      register('logs off', () => import('./commands/off.js'));
      register('logs backup', () => import('./commands/backup.js'));
      register('logs merge', () => import('./commands/merge.js'));
      register('fragments', () => import('./commands/fragments/list.js'));
      register('fragments list', () => import('./commands/fragments/list.js'));
      register('fragments show', () => import('./commands/fragments/show.js'));
      register('fragments set', () => import('./commands/fragments/set.js'));
      register('fragments remove', () => import('./commands/fragments/remove.js'));
      register('fragments loaders', () => import('./commands/fragments/loaders.js'));
    });
  },
});
