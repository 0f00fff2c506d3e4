import { editorCommand, NEW_TEMPLATE } from '../../../src/services/edit-template.js';
import { parseTemplate } from '../../../src/templates/template.js';

describe('templates edit', () => {
  it('uses $EDITOR, then $VISUAL, then a default editor', () => {
    expect(editorCommand({ EDITOR: 'code -w', VISUAL: 'vim' })).toBe('code -w');
    expect(editorCommand({ EDITOR: ' ', VISUAL: 'vim' })).toBe('vim');
    expect(editorCommand({})).toBe(process.platform === 'win32' ? 'notepad' : 'vi');
  });

  it('starts a new template as a working one that passes the input through', async () => {
    const template = await parseTemplate(NEW_TEMPLATE, { label: 'new', path: 'new.yaml', fix: '' });
    expect(template.prompt).toBe('$input');
  });
});
