import { LlmError, UsageError, type CollectionItem } from 'llm-host';
import { Args, Command, Flags, pairKeyValueArgs, parsePairs } from 'llm-host/command';
import { databaseFlag, embeddingModelFlag, keyFlag } from '../flags.js';
import { openEmbeddingsStore } from '../open-collection.js';
import { EmbedProgress } from '../progress.js';
import { INPUT_FORMATS, readFiles, readRows, type InputFormat, type Row } from '../read-items.js';

export default class EmbedMulti extends Command {
  static override summary = 'Embed many items at once into a collection: a CSV, TSV, JSON or JSON lines file, a SQL query, or files.';

  static override description = `The first column (or field) is the ID; the other columns are joined with spaces as the content.
Content already stored under the same ID (same md5) is not embedded again.

1. A CSV, TSV, JSON (array of objects) or JSON lines file, or - for stdin; the format is guessed
   from the content unless --format says.
2. --sql: a query against the embeddings database (attach others with --attach ALIAS FILE).
3. --files DIR GLOB: each matching file is one item, its path relative to DIR the ID.`;

  static override examples = [
    '<%= config.bin %> embed-multi docs input.csv -m offline',
    'cat data.json | <%= config.bin %> embed-multi docs - --store',
    '<%= config.bin %> embed-multi docs --attach blog blog.db --sql "select id, title, body from blog.posts"',
    "<%= config.bin %> embed-multi docs --files docs '**/*.md' --prefix docs/",
    "<%= config.bin %> embed-multi photos --files photos '*.jpg' --binary -m clip",
  ];

  static override args = {
    collection: Args.string({ description: 'Collection to embed into (created if new).', required: true, ignoreStdin: true }),
    input: Args.string({ description: 'CSV, TSV, JSON or JSON lines file to read, or - for stdin.', ignoreStdin: true }),
  };

  static override flags = {
    format: Flags.string({ summary: 'Format of the input file (default: guessed from its content; nl is JSON lines).', options: [...INPUT_FORMATS] }),
    files: Flags.string({ summary: 'Embed the files in DIR matching GLOB (repeatable).', multiple: true, helpValue: 'DIR GLOB' }),
    encoding: Flags.string({ summary: 'Encodings to try when reading --files (repeatable; default utf-8, then latin-1).', multiple: true, helpValue: 'NAME' }),
    binary: Flags.boolean({ summary: 'Embed --files as binary data.' }),
    sql: Flags.string({ summary: 'Read the items with this SQL query (first column the ID).', helpValue: 'QUERY' }),
    attach: Flags.string({ summary: 'Attach another database for --sql, as ALIAS (repeatable).', multiple: true, helpValue: 'ALIAS FILE' }),
    'batch-size': Flags.integer({ summary: 'Items per request to the model (at most the model allows).', min: 1, helpValue: 'N' }),
    prefix: Flags.string({ summary: 'Prefix to add to the IDs.', default: '', helpValue: 'TEXT' }),
    prepend: Flags.string({ summary: 'Prepend this to the content of every item before embedding it.', helpValue: 'TEXT' }),
    model: embeddingModelFlag,
    store: Flags.boolean({ summary: 'Store the content itself in the database too.' }),
    database: databaseFlag,
    key: keyFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(EmbedMulti, pairKeyValueArgs(this.argv, ['--files', '--attach']));
    const files = parsePairs(flags.files);
    const attach = parsePairs(flags.attach);
    if (flags.binary && files.length === 0) throw new UsageError('--binary goes with --files');
    if (flags.binary && flags.encoding) throw new UsageError('--binary and --encoding do not go together');
    if (!args.input && !flags.sql && files.length === 0) throw new UsageError('Give an input file (or - for stdin), --sql QUERY or --files DIR GLOB');
    if (files.length > 0 && (args.input || flags.sql || flags.format)) throw new UsageError('--files does not go with --sql, an input file or --format');
    if (flags.sql && args.input) throw new UsageError('Give either an input file or --sql, not both');
    if (attach.length > 0 && !flags.sql) throw new UsageError('--attach goes with --sql');

    const llm = await this.llm();
    const collection = await llm.collection(args.collection, { database: flags.database, model: flags.model });
    let items: Iterable<CollectionItem> | AsyncIterable<CollectionItem>;
    let total: number | undefined;
    if (files.length > 0) {
      items = prefixed(readFiles(files, { binary: flags.binary, encodings: flags.encoding ?? [], warn: (message) => process.stderr.write(`${message}\n`) }), flags.prefix, flags.prepend);
    } else {
      const rows = flags.sql
        ? await this.queryRows(flags.sql, attach, flags.database)
        : await readRows(args.input!, flags.format as InputFormat | undefined);
      total = rows.length;
      items = rowItems(rows, flags.prefix, flags.prepend);
    }
    const progress = new EmbedProgress(total);
    try {
      await collection.embedMulti(items, {
        store: flags.store,
        batchSize: flags['batch-size'],
        key: flags.key,
        onBatch: ({ done, skipped }) => progress.update(done, skipped),
      });
    } finally {
      progress.finish();
    }
  }

  /** The rows of `--sql`, run against the embeddings database with `--attach`ed ones. */
  private async queryRows(sql: string, attach: readonly [string, string][], database: string | undefined): Promise<Row[]> {
    const llm = await this.llm();
    const store = await openEmbeddingsStore(llm.hooks, llm.userDir, database);
    if (attach.length > 0 && store.engine === 'sql.js') {
      throw new LlmError('--attach needs a native SQLite engine (Node.js 22.13+, or better-sqlite3 built); sql.js cannot open other files.');
    }
    // The embeddings database is created (migrated) first, so a query may join its tables.
    await store.write(() => undefined);
    const rows = await store.read((db) => {
      for (const [alias, file] of attach) db.run(`ATTACH DATABASE ? AS [${alias.replace(/]/g, ']]')}]`, [file]);
      try {
        return db.all(sql).map((row) => Object.values(row));
      } catch (error) {
        throw new LlmError(`--sql failed: ${(error as Error).message}`);
      }
    });
    return rows ?? [];
  }
}

/** Rows as items: the first value the id (after `prefix`), the others joined with spaces. */
function* rowItems(rows: readonly Row[], prefix: string, prepend: string | undefined): Generator<CollectionItem> {
  for (const row of rows) {
    if (row.length === 0) continue;
    const content = row
      .slice(1)
      .map((value) => (value === null || value === undefined ? '' : typeof value === 'object' && !(value instanceof Uint8Array) ? JSON.stringify(value) : String(value)))
      .join(' ');
    yield { id: `${prefix}${String(row[0])}`, content: `${prepend ?? ''}${content}` };
  }
}

async function* prefixed(items: AsyncIterable<{ id: string; content: string | Uint8Array }>, prefix: string, prepend: string | undefined): AsyncGenerator<CollectionItem> {
  for await (const item of items) {
    yield { id: `${prefix}${item.id}`, content: typeof item.content === 'string' && prepend ? `${prepend}${item.content}` : item.content };
  }
}
