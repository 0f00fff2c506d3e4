import * as Args from '@oclif/core/args';
import { Command } from '../../cli/command.js';
import { editTemplate } from '../../services/edit-template.js';
import { TemplateStore } from '../../templates/store.js';

export default class TemplatesEdit extends Command {
  static override summary = 'Open a template in your editor ($EDITOR, else $VISUAL, else vi); creates it if new.';

  static override description = `Edits your copy in the folder 'llm templates path' prints. Editing a bundled template copies it there first; your copy then hides the bundled one. The template is checked when the editor closes.`;

  static override examples = ['<%= config.bin %> templates edit summarize', 'EDITOR="code -w" <%= config.bin %> templates edit recipe'];

  static override args = { name: Args.string({ description: 'Template name.', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(TemplatesEdit);
    const llm = await this.llm();
    await editTemplate(new TemplateStore(llm.userDir), args.name, llm.env);
  }
}
