import { Command, Flags } from 'llm-host/command';
import { formatList } from '../format.js';
import { listTraces } from '../store.js';

export default class TracesList extends Command {
  static override summary = 'List logged traces: the root calls of llmFunction, llmStrategy and traced code, newest first.';

  static override description =
    'Every call of an llmFunction (or of a member an llmStrategy class implements) is a trace node; calls made inside another traced call (trackHyperparameters functions, trace()) are its children. A tree is logged when its root call finishes, if a model it used came from llm (getModel or createLlm).';

  static override examples = [
    '<%= config.bin %> traces list',
    '<%= config.bin %> traces list -n 5 --name optimise',
    '<%= config.bin %> traces list --json',
    '<%= config.bin %> traces show 01jx2k3m   # one of them, as a tree',
  ];

  static override flags = {
    count: Flags.integer({ char: 'n', summary: 'How many traces to list; 0 for all.', min: 0, default: 20, helpValue: 'N' }),
    name: Flags.string({ summary: 'Only traces whose root call has this name.', helpValue: 'NAME' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
    json: Flags.boolean({ summary: 'Output the list as JSON.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TracesList);
    const store = await (await this.llm()).logStore(flags.database);
    const traces = (await store.read((db) => listTraces(db, { count: flags.count, name: flags.name }))) ?? [];
    if (flags.json) process.stdout.write(`${JSON.stringify(traces, null, 2)}\n`);
    else if (traces.length === 0) process.stdout.write(`No traces in ${store.path}\n`);
    else process.stdout.write(formatList(traces));
  }
}
