import { Command } from 'llm-host/command';
import { defaultEmbeddingsPath } from '../paths.js';

export default class CollectionsPath extends Command {
  static override summary = 'Print the path of the embeddings database (embeddings.db in the user directory).';

  static override examples = ['<%= config.bin %> collections path'];

  async run(): Promise<void> {
    await this.parse(CollectionsPath);
    this.log(defaultEmbeddingsPath(this.userDir()));
  }
}
