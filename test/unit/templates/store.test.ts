import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateError, UsageError } from '../../../src/errors.js';
import { saveTemplate } from '../../../src/templates/save.js';
import { bundledTemplatesDir, checkTemplateName, isTemplatePath, TemplateStore } from '../../../src/templates/store.js';
import { parseTemplate } from '../../../src/templates/template.js';
import { repoRoot } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

let dir: ReturnType<typeof tempDir>;
let store: TemplateStore;
let bundled: string;
beforeEach(() => {
  dir = tempDir();
  bundled = join(dir.path, 'bundled');
  mkdirSync(bundled);
  writeFileSync(join(bundled, 'summarize.yaml'), 'system: Summarize (bundled)\n');
  writeFileSync(join(bundled, 'translate.yaml'), 'system: Translate into $language\ndefaults:\n  language: English\n');
  writeFileSync(join(bundled, 'notes.txt'), 'not a template');
  store = new TemplateStore(join(dir.path, 'user'), bundled);
});
afterEach(() => dir.remove());

const writeUser = (name: string, text: string) => {
  mkdirSync(store.dir, { recursive: true });
  writeFileSync(join(store.dir, name), text);
};

describe('TemplateStore', () => {
  it('keeps the user templates in templates/ of the user directory', () => {
    expect(store.dir).toBe(join(dir.path, 'user', 'templates'));
    expect(store.userPath('recipe')).toBe(join(dir.path, 'user', 'templates', 'recipe.yaml'));
  });

  it('lists user and bundled templates by name, the user’s winning a clash', async () => {
    writeUser('summarize.yaml', 'system: Summarize (mine)\n');
    writeUser('recipe.yaml', 'prompt: Recipe with $ingredients\n');
    writeUser('.hidden.yaml', 'prompt: x\n');
    writeUser('old.yml', 'prompt: x\n');
    expect((await store.files()).map((f) => [f.name, f.source])).toEqual([
      ['recipe', 'user'],
      ['summarize', 'user'],
      ['translate', 'bundled'],
    ]);
    expect((await store.load('summarize')).system).toBe('Summarize (mine)');
    expect((await store.load('translate')).origin).toEqual({ label: "Template 'translate'", path: join(bundled, 'translate.yaml'), fix: expect.stringMatching(/bundled/) });
  });

  it('loads a file when given a path', async () => {
    const file = join(dir.path, 'one-off.yml');
    writeFileSync(file, 'prompt: One off $input\n');
    const template = await store.load(file);
    expect(template.prompt).toBe('One off $input');
    expect(template.origin.label).toBe(`Template file ${file}`);
    await expect(store.load(join(dir.path, 'gone.yaml'))).rejects.toThrow(`Template file ${join(dir.path, 'gone.yaml')} does not exist.`);
  });

  it('suggests close names for an unknown one', async () => {
    await expect(store.load('sumarize')).rejects.toThrow("No template named 'sumarize'. Did you mean 'summarize'? Run 'llm templates' to list them");
    await expect(store.load('zzzzzzzz')).rejects.toThrow(/^No template named 'zzzzzzzz'\. Run 'llm templates'/);
  });

  it('refuses names that are paths or hidden files', () => {
    expect(() => checkTemplateName('a/b')).toThrow(UsageError);
    expect(() => checkTemplateName('a\\b')).toThrow(/contains a path separator/);
    expect(() => checkTemplateName('..')).toThrow(/not a usable template name/);
    expect(() => checkTemplateName('')).toThrow(/not a usable template name/);
    expect(() => checkTemplateName('fr.yaml')).toThrow("Template name 'fr.yaml' ends in a YAML extension: give the name alone, such as 'fr'.");
    expect(checkTemplateName('commit-message_2')).toBe('commit-message_2');
    expect(isTemplatePath('./x')).toBe(true);
    expect(isTemplatePath('x.yaml')).toBe(true);
    expect(isTemplatePath('x')).toBe(false);
  });

  it('finds the bundled templates in the package', async () => {
    const names = readdirSync(join(repoRoot, 'templates'));
    expect(bundledTemplatesDir).toBe(join(repoRoot, 'templates'));
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      const template = await parseTemplate(readFileSync(join(bundledTemplatesDir, name), 'utf8'), { label: name, path: name, fix: '' });
      expect(template.prompt ?? template.system).toBeTruthy();
    }
  });
});

describe('saveTemplate', () => {
  it('writes YAML that reads back as the same template, atomically', async () => {
    const fields = {
      model: 'echo',
      prompt: 'Say $input in $lang\nand yes, $$5',
      system: 'yes',
      defaults: { lang: 'French', n: 'no' },
      schema_object: { type: 'object', properties: { a: { type: 'string' } } },
      options: { delay: 5 },
    };
    const saved = await saveTemplate(store, 'fr', fields);
    expect(saved).toEqual({ path: join(store.dir, 'fr.yaml'), hidesBundled: false });
    expect(readdirSync(store.dir)).toEqual(['fr.yaml']);
    const text = readFileSync(saved.path, 'utf8');
    expect(text).toMatch(/^model: echo\nprompt: \|-\n {4}Say \$input in \$lang\n/);
    const { origin: _, ...read } = await store.load('fr');
    expect(read).toEqual(fields);
  });

  it('refuses to replace a template without force, and says how', async () => {
    await saveTemplate(store, 'x', { prompt: 'first' });
    const error = await saveTemplate(store, 'x', { prompt: 'second' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toBe(`Template 'x' already exists (${join(store.dir, 'x.yaml')}). Add --force to replace it, or pick another name.`);
    expect((await store.load('x')).prompt).toBe('first');
    await saveTemplate(store, 'x', { prompt: 'second' }, { force: true });
    expect((await store.load('x')).prompt).toBe('second');
  });

  it('says when the new template hides a bundled one', async () => {
    expect((await saveTemplate(store, 'summarize', { system: 'Mine' })).hidesBundled).toBe(true);
    expect((await store.load('summarize')).system).toBe('Mine');
  });

  it('writes nothing empty, unusable or outside the folder', async () => {
    await expect(saveTemplate(store, 'empty', { defaults: {} })).rejects.toThrow(/^Nothing to save as template 'empty'/);
    await expect(saveTemplate(store, 'cost', { prompt: 'Costs $5' })).rejects.toThrow(/has a '\$' that starts no variable in its prompt.*nothing was saved/);
    await expect(saveTemplate(store, '../escape', { prompt: 'x' })).rejects.toThrow(/contains a path separator/);
    expect(await store.files()).toHaveLength(2);
  });
});
