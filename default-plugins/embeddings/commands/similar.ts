import { UsageError, type Entry } from 'llm-host';
import { Args, Command, Flags } from 'llm-host/command';
import { databaseFlag, keyFlag } from '../flags.js';
import { joinStdinDash, readContent } from '../read-content.js';

export default class Similar extends Command {
  static override summary = 'Show the items of a collection most similar to some content or to a stored item (cosine similarity).';

  static override description = 'One JSON object per line by default ({"id", "score", "content", "metadata"}), best first.';

  static override examples = [
    '<%= config.bin %> similar docs -c "how do I install plugins?"',
    '<%= config.bin %> similar docs readme.md -n 3 --plain',
    '<%= config.bin %> similar photos -i cat.jpg --binary',
  ];

  static override args = {
    collection: Args.string({ description: 'Collection to search.', required: true, ignoreStdin: true }),
    id: Args.string({ description: 'Find items similar to the stored item with this ID.', ignoreStdin: true }),
  };

  static override flags = {
    input: Flags.string({ char: 'i', summary: 'File to embed for the comparison (- for stdin).', helpValue: 'FILE' }),
    content: Flags.string({ char: 'c', summary: 'Content to embed for the comparison.', helpValue: 'TEXT' }),
    binary: Flags.boolean({ summary: 'Treat the input as binary data.' }),
    number: Flags.integer({ char: 'n', summary: 'How many results to show.', default: 10, min: 0, helpValue: 'N' }),
    plain: Flags.boolean({ char: 'p', summary: 'Plain text: the ID and score, then the content and metadata, indented.' }),
    database: databaseFlag,
    prefix: Flags.string({ summary: 'Only items whose ID starts with this.', default: '', helpValue: 'TEXT' }),
    key: keyFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Similar, joinStdinDash(this.argv));
    if (!args.id && !flags.content && !flags.input && process.stdin.isTTY) {
      throw new UsageError('Give content (-c TEXT, -i FILE) or the ID of a stored item to compare with.');
    }
    const llm = await this.llm();
    const collection = await llm.collection(args.collection, { database: flags.database, create: false });
    const options = { number: flags.number, prefix: flags.prefix || undefined, key: flags.key };
    const results = args.id ? await collection.similarById(args.id, options) : await collection.similar(await readContent(flags), options);
    let out = '';
    for (const entry of results) out += flags.plain ? plain(entry) : `${JSON.stringify(entry)}\n`;
    process.stdout.write(out);
  }
}

/** As the Python llm's `--plain`. */
function plain(entry: Entry): string {
  const indent = (text: string) => text.replace(/^(?=.)/gm, '  ');
  let text = `${entry.id} (${entry.score})\n\n`;
  if (entry.content) text += `${indent(entry.content)}\n`;
  if (entry.metadata) text += `${indent(JSON.stringify(entry.metadata))}\n`;
  return `${text}\n`;
}
