import { definePlugin } from 'llm-host';
import { MarkovModel } from './markov-model.js';

/**
 * The llm-markov plugin: a `markov` model and an `llm markov stats` command. The command module
 * is imported only when the command runs, so the plugin costs little at start-up.
 */
export default definePlugin({
  name: 'markov',
  description: 'A Markov chain model that learns from the prompt',
  apply(hooks) {
    hooks.registerModels.tap('markov', (register) => register(new MarkovModel(), { aliases: ['chain'] }));
    hooks.registerCommands.tap('markov', (register) => register('markov stats', () => import('./stats-command.js')));
  },
});
