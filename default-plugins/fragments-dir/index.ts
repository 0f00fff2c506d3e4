import { definePlugin } from 'llm-host';

/**
 * Default plugin: the `dir:` fragment loader. `-f dir:PATH` adds every text file under the folder
 * as a fragment of its own, headed by its path, skipping what `.gitignore` files ignore (and
 * `.git`). The walk loads only when a `dir:` fragment is used.
 */
export default definePlugin({
  name: 'fragments-dir',
  description: 'The dir: fragment loader: every text file under a folder, honouring .gitignore',
  apply(hooks) {
    hooks.registerFragmentLoaders.tap('fragments-dir', (register) => {
      register(
        'dir',
        async (argument) => {
          const { loadDirectory } = await import('./load-directory.js');
          return loadDirectory(argument);
        },
        { description: 'Every text file under a folder, each as a fragment headed by its path; .gitignore rules and .git are skipped, and so are binary files.\nExample: llm -f dir:src "Where is the parser?"' },
      );
    });
  },
});
