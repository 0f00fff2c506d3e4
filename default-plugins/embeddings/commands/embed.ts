import { encodeVector, UsageError } from 'llm-host';
import { Args, Command, Flags } from 'llm-host/command';
import { databaseFlag, embeddingModelFlag, keyFlag } from '../flags.js';
import { joinStdinDash, parseMetadata, readContent } from '../read-content.js';

export default class Embed extends Command {
  static override summary = 'Embed text and print the vector, or store it in a collection.';

  static override description = `Without a collection, prints the vector (JSON by default). With COLLECTION and ID, stores the
vector in that collection of embeddings.db (created with -m MODEL, or the default embedding model,
if new; an existing collection keeps its model) and prints nothing unless --format is given.`;

  static override examples = [
    '<%= config.bin %> embed -m offline -c "Hello world"',
    '<%= config.bin %> embed phrases hello -m 3-small -c "Hello world" --store',
    '<%= config.bin %> embed photos cat -i cat.jpg --binary -m clip',
    'cat notes.txt | <%= config.bin %> embed notes notes.txt --metadata \'{"kind": "notes"}\'',
  ];

  // ignoreStdin on every argument: piped stdin is the content to embed, never an argument (oclif
  // would otherwise read it into the first missing one).
  static override args = {
    collection: Args.string({ description: 'Collection to store the vector in.', ignoreStdin: true }),
    id: Args.string({ description: 'ID of the item in the collection.', ignoreStdin: true }),
  };

  static override flags = {
    content: Flags.string({ char: 'c', summary: 'Content to embed.', helpValue: 'TEXT' }),
    input: Flags.string({ char: 'i', summary: 'File to embed (- for stdin).', helpValue: 'FILE' }),
    model: embeddingModelFlag,
    store: Flags.boolean({ summary: 'Store the content itself in the database too.' }),
    database: databaseFlag,
    binary: Flags.boolean({ summary: 'Treat the input as binary data.' }),
    metadata: Flags.string({ summary: 'JSON object metadata to store.', helpValue: 'JSON' }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['json', 'blob', 'base64', 'hex'] }),
    key: keyFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Embed, joinStdinDash(this.argv));
    if (args.collection && !args.id) throw new UsageError('Give both a collection and an ID: llm embed COLLECTION ID -c TEXT');
    if (flags.store && !args.collection) throw new UsageError('--store needs a collection to store into: llm embed COLLECTION ID --store');
    if (flags.metadata && !args.collection) throw new UsageError('--metadata needs a collection to store into: llm embed COLLECTION ID --metadata JSON');
    const metadata = parseMetadata(flags.metadata);
    const llm = await this.llm();
    const content = await readContent(flags);
    let vector: number[];
    if (args.collection) {
      const collection = await llm.collection(args.collection, { database: flags.database, model: flags.model });
      const model = await collection.model();
      await collection.embed(args.id!, content, { metadata, store: flags.store, key: flags.key });
      if (!flags.format) return;
      // Printed as stored (unchanged content is not embedded again): read back.
      vector = await model.embed(content, { key: flags.key });
    } else {
      vector = await (await llm.getEmbeddingModel(flags.model)).embed(content, { key: flags.key });
    }
    writeVector(vector, flags.format ?? 'json');
  }
}

/** Prints a vector as JSON, raw float32 bytes, base64 or hex. */
function writeVector(vector: readonly number[], format: string): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(vector)}\n`);
    return;
  }
  const bytes = Buffer.from(encodeVector(vector));
  if (format === 'blob') process.stdout.write(bytes);
  else process.stdout.write(`${format === 'base64' ? bytes.toString('base64') : bytes.toString('hex')}\n`);
}
