import { definePlugin } from 'llm-host';
import { llmTime, llmVersion } from './builtin-tools.js';

/**
 * Default plugin: the built-in tools `llm_version` and `llm_time` (as in the Python llm), and
 * `llm tools`, which lists every tool plugins register. Registering a tool never runs it: it runs
 * only when the user names it (`llm -T llm_time ...`).
 */
export default definePlugin({
  name: 'tools',
  description: 'The built-in tools llm_version and llm_time; llm tools',
  apply(hooks, context) {
    hooks.registerTools.tap('tools', (register) => {
      register(llmVersion(context.version));
      register(llmTime);
    });
    hooks.registerCommands.tap('tools', (register) => {
      register('tools', () => import('./commands/list.js'));
      register('tools list', () => import('./commands/list.js'));
    });
  },
});
