import { existsSync, statSync } from 'node:fs';
import { Command, Flags } from 'llm-host/command';
import { describeEngine, selectEngine } from '../engines/select.js';
import { hardLinks, readLog } from '../log-file.js';
import { hasTable } from '../migrations.js';
import { isLoggingOn, logPath } from '../paths.js';
import { countRows } from '../queries.js';
import { humanSize } from '../util.js';

export default class LogsStatus extends Command {
  static override summary = 'Show whether logging is on, the SQLite engine, and the log file with its size and row counts.';

  static override examples = ['<%= config.bin %> logs status', '<%= config.bin %> logs status -d other.db'];

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Describe this SQLite file instead of logs.db in the user directory.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LogsStatus);
    const llm = await this.llm();
    const path = logPath(llm.userDir, flags.database);
    const engine = await selectEngine(llm.env);
    this.log(isLoggingOn(llm.userDir) ? 'Logging is ON for all prompts' : 'Logging is OFF');
    this.log(`SQLite engine:\t\t\t${describeEngine(engine)}`);
    if (!existsSync(path)) {
      this.log(`No log database found at ${path}`);
      return;
    }
    const { counts, fts5 } = await readLog(path, engine, (db) => ({ counts: countRows(db), fts5: hasTable(db, 'responses_fts') }));
    this.log(`Found log database at ${path}`);
    this.log(`Number of conversations logged:\t${counts.conversations}`);
    this.log(`Number of responses logged:\t${counts.responses}`);
    this.log(`Database file size: \t\t${humanSize(statSync(path).size)}`);
    if (engine.kind === 'image') {
      const links = hardLinks(path);
      this.log(
        links > 1
          ? `Note: this log has ${links - 1} other hard link${links > 2 ? 's' : ''}. ${engine.name} writes the log by replacing the file, so the next response logged here breaks ${links > 2 ? 'them' : 'it'}: ${links > 2 ? 'they keep' : 'it keeps'} the log as it was. Use a symbolic link instead, or a native engine (Node.js 22.13+, or better-sqlite3).`
          : `Note: ${engine.name} writes the log by replacing the file, which breaks hard links to it (symbolic links are fine).`,
      );
    }
    if (fts5 && !engine.hasFts5) {
      this.log(`Note: this log has an FTS5 search index, which ${engine.name} cannot update: logging to it needs a native engine (Node.js 22.13+, or better-sqlite3).`);
    }
  }
}
