import { existsSync } from 'node:fs';
import { LlmError, UsageError } from 'llm-host';
import { Command, Flags } from 'llm-host/command';
import { selectEngine } from '../engines/select.js';
import { formatJson, formatMarkdown, formatShort } from '../format.js';
import { readLog } from '../log-file.js';
import { logPath } from '../paths.js';
import { listResponses } from '../queries.js';

export default class LogsList extends Command {
  static override summary = 'Show logged prompts and responses (the newest 3 by default).';

  static override description = `Markdown by default, oldest of the selection first. -q searches prompts and responses
(full-text with FTS5 on a native engine, else by substring); whatever you type is searched for as
words, "quoted phrases" as phrases, and the best matches come last (with -l, the newest matches,
newest last).`;

  static override examples = [
    '<%= config.bin %> logs',
    '<%= config.bin %> logs -n 10 -m gpt-4o-mini',
    '<%= config.bin %> logs -q "pelican names" -t',
    '<%= config.bin %> logs -q pelican -l -n 10   # the newest 10 matches',
    '<%= config.bin %> logs -c                 # the current conversation',
    '<%= config.bin %> logs --cid 01jk3... --json',
    '<%= config.bin %> logs -e                 # fragments in full, not just their hashes',
  ];

  static override flags = {
    count: Flags.integer({ char: 'n', summary: 'How many responses to show (default 3, or a whole conversation); 0 for all.', min: 0, helpValue: 'N' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
    model: Flags.string({ char: 'm', summary: 'Only responses from this model (id or alias).', helpValue: 'MODEL' }),
    query: Flags.string({ char: 'q', summary: 'Search prompts and responses for these words.', helpValue: 'TEXT' }),
    latest: Flags.boolean({ char: 'l', summary: 'With -q: the newest matches rather than the best (faster on a big log).' }),
    truncate: Flags.boolean({ char: 't', summary: 'Truncate long prompts and responses.' }),
    short: Flags.boolean({ char: 's', summary: 'Short YAML output, prompts truncated.', exclusive: ['json', 'response'] }),
    usage: Flags.boolean({ char: 'u', summary: 'Include token usage.' }),
    response: Flags.boolean({ char: 'r', summary: 'Only the text of the last response (of the current conversation, unless --cid).' }),
    current: Flags.boolean({ char: 'c', summary: 'Only the current conversation: the newest a person had (not an experiment\'s or an LLM function\'s).' }),
    cid: Flags.string({ summary: 'Only the conversation with this id.', aliases: ['conversation'], helpValue: 'ID' }),
    json: Flags.boolean({ summary: 'Output the responses as JSON.' }),
    expand: Flags.boolean({ char: 'e', summary: "Show fragments in full: their content instead of their hashes (with --json, not cut to 100 characters)." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LogsList);
    const llm = await this.llm();
    const path = logPath(llm.userDir, flags.database);
    let model = flags.model;
    if (model) {
      // An alias names its model; a model no plugin registers any more is still in the log.
      model = await llm.getModel(model).then(
        (found) => found.id,
        () => model,
      );
    }
    if (flags.current && flags.cid !== undefined) {
      throw new UsageError('-c/--current and --cid cannot be used together: -c shows the newest conversation, --cid the one you name. Give one of them.');
    }
    const current = flags.current || (flags.response && !flags.cid);
    if (!flags.database && !existsSync(path) && flags.cid !== undefined) {
      throw new LlmError(`No conversation found with id '${flags.cid}': nothing is logged yet (the log will be ${path}).`);
    }
    if (!flags.database && !existsSync(path)) {
      // Nothing logged yet (a fresh install): an empty log, not an error. A -d file must exist.
      if (flags.json) process.stdout.write('[]\n');
      else process.stderr.write(`No responses logged yet (the log will be ${path}).\n`);
      return;
    }
    const engine = await selectEngine(llm.env);
    const rows = await readLog(path, engine, (db, info) =>
      listResponses(db, info, { count: flags.count, model, search: flags.query, conversationId: flags.cid, current, latest: flags.latest }),
    );
    const options = { conversation: Boolean(flags.cid || current), usage: flags.usage, truncate: flags.truncate, expand: flags.expand };
    if (flags.json) process.stdout.write(formatJson(rows, options));
    else if (flags.response) process.stdout.write(rows.length > 0 ? `${rows.at(-1)!.response ?? ''}\n` : '');
    else if (flags.short) process.stdout.write(await formatShort(rows, options));
    else process.stdout.write(formatMarkdown(rows, options));
  }
}
