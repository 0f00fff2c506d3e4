import * as Args from '@oclif/core/args';
import { readFile } from 'node:fs/promises';
import { Command } from '../../cli/command.js';
import { TemplateStore } from '../../templates/store.js';

export default class TemplatesShow extends Command {
  static override summary = 'Print a template’s YAML, as it is on disk.';

  static override description = 'Checks the template first: a broken one is an error that says what is wrong and where.';

  static override examples = ['<%= config.bin %> templates show summarize', '<%= config.bin %> templates show summarize > my-summarize.yaml'];

  static override args = { name: Args.string({ description: 'Template name, or a path to a template file.', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(TemplatesShow);
    const llm = await this.llm();
    const template = await new TemplateStore(llm.userDir).load(args.name);
    const text = await readFile(template.origin.path, 'utf8');
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
