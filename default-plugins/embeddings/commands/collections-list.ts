import { Command, Flags } from 'llm-host/command';
import { listCollections } from '../collections.js';
import { databaseFlag } from '../flags.js';
import { openEmbeddingsStore } from '../open-collection.js';

export default class CollectionsList extends Command {
  static override summary = 'List the collections of embeddings, with their model and size.';

  static override examples = ['<%= config.bin %> collections', '<%= config.bin %> collections list --json -d my-embeddings.db'];

  static override flags = {
    database: databaseFlag,
    json: Flags.boolean({ summary: 'Output as JSON.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(CollectionsList);
    const llm = await this.llm();
    const store = await openEmbeddingsStore(llm.hooks, llm.userDir, flags.database);
    const rows = (await store.read(listCollections)) ?? [];
    if (flags.json) {
      this.log(JSON.stringify(rows, null, 4));
      return;
    }
    if (rows.length === 0) process.stderr.write(`No collections yet in ${store.path}: create one with 'llm embed' or 'llm embed-multi'.\n`);
    for (const row of rows) this.log(`${row.name}: ${row.model}\n  ${row.num_embeddings} embedding${row.num_embeddings === 1 ? '' : 's'}`);
  }
}
