import { Command, Flags } from 'llm-host/command';
import { table } from '../services/format.js';

export default class ExperimentsMetrics extends Command {
  static override summary = 'List the metrics plugins register, which experiments can use by name.';

  static override examples = ['<%= config.bin %> experiments metrics', '<%= config.bin %> experiments metrics --json'];

  static override flags = {
    json: Flags.boolean({ summary: 'Output the metrics, with their options schemas, as JSON.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExperimentsMetrics);
    const metrics = (await this.llm()).metrics();
    if (flags.json) {
      const rows = metrics.map((m) => ({ name: m.name, description: m.description ?? null, better: m.better ?? 'higher', optionsSchema: m.optionsSchema ?? null }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${table(['metric', 'better', 'description'], metrics.map((m) => [m.name, m.better ?? 'higher', m.description ?? '']))}\n`);
  }
}
