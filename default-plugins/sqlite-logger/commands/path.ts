import { Command } from 'llm-host/command';
import { defaultLogPath } from '../paths.js';

export default class LogsPath extends Command {
  static override summary = 'Print the path of the log database (logs.db in the user directory).';

  static override examples = ['<%= config.bin %> logs path', 'sqlite3 "$(<%= config.bin %> logs path)" .schema'];

  async run(): Promise<void> {
    await this.parse(LogsPath);
    this.log(defaultLogPath((await this.llm()).userDir));
  }
}
