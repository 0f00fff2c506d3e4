import { definePlugin } from 'llm-host';
import { EchoModel } from './echo-model.js';

/** Default plugin: the offline `echo` model. */
export default definePlugin({
  name: 'echo',
  description: 'An offline model that streams back what it was sent',
  apply(hooks) {
    hooks.registerModels.tap('echo', (register) => register(new EchoModel()));
  },
});
