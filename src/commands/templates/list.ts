import { Command } from '../../cli/command.js';
import { listTemplates, type TemplateListing } from '../../services/list-templates.js';
import { TemplateStore } from '../../templates/store.js';

export default class TemplatesList extends Command {
  static override summary = 'List prompt templates, one line each: yours and the bundled ones.';

  static override description = `Your templates are the YAML files in the folder 'llm templates path' prints; a template of yours hides a bundled one of the same name. Use one with llm -t NAME.`;

  static override examples = ['<%= config.bin %> templates', '<%= config.bin %> templates list --json'];

  static override enableJsonFlag = true;

  async run(): Promise<TemplateListing[]> {
    await this.parse(this.constructor as typeof TemplatesList);
    const llm = await this.llm();
    const listings = await listTemplates(new TemplateStore(llm.userDir), llm.warn);
    if (!this.jsonEnabled()) {
      const width = Math.max(0, ...listings.map((t) => t.name.length));
      for (const { name, summary } of listings) this.log(truncate(`${name.padEnd(width)} : ${summary}`, terminalWidth()));
    }
    return listings;
  }
}

/** The terminal's width, as Python's shutil.get_terminal_size() finds it: COLUMNS, the terminal, or 80. */
function terminalWidth(): number {
  const fromEnv = Number.parseInt(process.env.COLUMNS ?? '', 10);
  if (fromEnv > 0) return fromEnv;
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 80;
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, Math.max(0, width - 3)).join('')}...` : text;
}
