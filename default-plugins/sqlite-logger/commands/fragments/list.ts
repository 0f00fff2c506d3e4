import { existsSync } from 'node:fs';
import { Command, Flags } from 'llm-host/command';
import { selectEngine } from '../../engines/select.js';
import { truncate } from '../../format.js';
import { listFragments } from '../../fragments.js';
import { readLog } from '../../log-file.js';
import { logPath } from '../../paths.js';

export default class FragmentsList extends Command {
  static override summary = 'List the fragments stored in the log (oldest first), with their aliases.';

  static override description = `Every -f and --sf fragment is stored once in logs.db, by the SHA-256 hash of its text. Use a
hash or an alias (llm fragments set) wherever -f takes a fragment.`;

  static override examples = ['<%= config.bin %> fragments', '<%= config.bin %> fragments -q pelican --json', '<%= config.bin %> fragments --aliases'];

  static override flags = {
    query: Flags.string({ char: 'q', summary: 'Only fragments whose hash, alias, source or text contains this (repeatable: all must match).', multiple: true, helpValue: 'TEXT' }),
    aliases: Flags.boolean({ summary: 'Only fragments that have an alias.' }),
    json: Flags.boolean({ summary: 'Output JSON, with the whole text.' }),
    database: Flags.string({ char: 'd', summary: 'Read this SQLite file instead of logs.db.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(FragmentsList);
    const llm = await this.llm();
    const path = logPath(llm.userDir, flags.database);
    const fragments = existsSync(path) ? await readLog(path, await selectEngine(llm.env), (db) => listFragments(db, flags.query ?? [], flags.aliases)) : [];
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(fragments, null, 4)}\n`);
      return;
    }
    const { stringify } = await import('yaml');
    // YAML as the Python llm writes it: one list entry per fragment, its text cut to 100 characters.
    for (const fragment of fragments) process.stdout.write(stringify([{ ...fragment, content: truncate(fragment.content) }], { lineWidth: 0 }));
  }
}
