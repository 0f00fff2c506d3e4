import { rmSync } from 'node:fs';
import { Command } from 'llm-host/command';
import { logsOffPath } from '../paths.js';

export default class LogsOn extends Command {
  static override summary = 'Turn logging on for all prompts (removes the logs-off file).';

  static override examples = ['<%= config.bin %> logs on'];

  async run(): Promise<void> {
    await this.parse(LogsOn);
    rmSync(logsOffPath((await this.llm()).userDir), { force: true });
  }
}
