import { LlmError } from 'llm-host';
import { Args, Command, Flags } from 'llm-host/command';
import { formatTree } from '../format.js';
import { loadTrace } from '../store.js';

export default class TracesShow extends Command {
  static override summary = 'Show a logged trace as a tree of calls, or export it as JSON.';

  static override description =
    "ID is a trace id from 'llm traces list' (a unique start of it will do), or the id of any call in a trace, which shows that call and the calls inside it; without ID, the newest trace. Each call shows its kind, model, duration, hyperparameters, arguments, result or error, and the ids of the responses it logged ('llm logs --json' has them). --json writes the whole tree, nothing cut.";

  static override examples = [
    '<%= config.bin %> traces show',
    '<%= config.bin %> traces show 01jx2k3m',
    '<%= config.bin %> traces show 01jx2k3m7q9v --json > trace.json',
  ];

  static override args = { id: Args.string({ description: 'A trace or call id, or the start of one (default: the newest trace).' }) };

  static override flags = {
    json: Flags.boolean({ summary: 'Output the tree as JSON.' }),
    full: Flags.boolean({ summary: 'Do not cut long values.' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TracesShow);
    const store = await (await this.llm()).logStore(flags.database);
    // undefined: there is no log file yet; { trace: undefined }: no such trace in it.
    const found = await store.read((db) => ({ trace: loadTrace(db, args.id) }));
    const trace = found?.trace;
    if (!trace) {
      throw new LlmError(
        found && args.id ? `No trace or call with id '${args.id}' in ${store.path}: 'llm traces list' lists them` : `No traces in ${store.path}`,
      );
    }
    process.stdout.write(flags.json ? `${JSON.stringify(trace, null, 2)}\n` : formatTree(trace, { full: flags.full }));
  }
}
