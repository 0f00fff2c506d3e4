import { mkdirSync, writeFileSync } from 'node:fs';
import { Command } from 'llm-host/command';
import { logsOffPath } from '../paths.js';

export default class LogsOff extends Command {
  static override summary = "Turn logging off for all prompts (creates a logs-off file); 'llm --log' still logs one.";

  static override examples = ['<%= config.bin %> logs off', '<%= config.bin %> --log "log this one anyway"'];

  async run(): Promise<void> {
    await this.parse(LogsOff);
    const { userDir } = await this.llm();
    mkdirSync(userDir, { recursive: true });
    writeFileSync(logsOffPath(userDir), '');
  }
}
