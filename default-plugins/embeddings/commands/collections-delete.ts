import { Args, Command } from 'llm-host/command';
import { databaseFlag } from '../flags.js';

export default class CollectionsDelete extends Command {
  static override summary = 'Delete a collection and its embeddings.';

  static override examples = ['<%= config.bin %> collections delete my-collection'];

  static override args = {
    collection: Args.string({ description: 'Collection to delete.', required: true, ignoreStdin: true }),
  };

  static override flags = { database: databaseFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CollectionsDelete);
    const collection = await (await this.llm()).collection(args.collection, { database: flags.database, create: false });
    await collection.delete();
  }
}
