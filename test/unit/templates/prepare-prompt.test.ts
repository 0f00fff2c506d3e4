import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LlmError, TemplateError, UsageError } from '../../../src/errors.js';
import { createLlm, type Llm } from '../../../src/host/llm.js';
import { definePlugin } from '../../../src/host/plugin.js';
import { prepareChat, preparePrompt, type PromptArguments } from '../../../src/services/prepare-prompt.js';
import { saveTemplateFromPrompt } from '../../../src/services/save-template.js';
import { ScriptedModel } from '../../helpers/models.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A model that takes schemas; its options schema has `level` (default 1). */
class SchemaModel extends ScriptedModel {
  override readonly supportsSchema = true;
}

let dir: ReturnType<typeof tempDir>;
let llm: Llm;
let warnings: string[];
beforeEach(async () => {
  dir = tempDir();
  warnings = [];
  const plugin = definePlugin({
    name: 'test-models',
    apply(hooks) {
      hooks.registerModels.tap('test-models', (register) => {
        register(new SchemaModel('smart'), { aliases: ['s'] });
        register(new ScriptedModel('plain'));
      });
    },
  });
  llm = await createLlm({ userDir: dir.path, env: {}, loadInstalled: false, defaultPlugins: false, plugins: [plugin], warn: (m) => warnings.push(m) });
  await llm.defaultModel.set('plain');
});
afterEach(() => dir.remove());

function template(name: string, text: string): void {
  mkdirSync(join(dir.path, 'templates'), { recursive: true });
  writeFileSync(join(dir.path, 'templates', `${name}.yaml`), text);
}

function stdin(text?: string): NodeJS.ReadStream {
  const stream = Readable.from(text === undefined ? [] : [Buffer.from(text)]) as unknown as NodeJS.ReadStream;
  (stream as { isTTY?: boolean }).isTTY = text === undefined;
  return stream;
}

const args = (extra: Partial<PromptArguments>): PromptArguments => ({ words: [], options: {}, params: {}, stdin: stdin(), ...extra });

describe('preparePrompt', () => {
  it('without a template: the model, options and text as given', async () => {
    const prepared = await preparePrompt(llm, args({ words: ['hello'], options: { level: '2' }, system: 'Be brief' }));
    expect(prepared).toMatchObject({ prompt: 'hello', system: 'Be brief', options: { level: 2 }, schema: undefined, extract: undefined });
    expect(prepared.model.id).toBe('plain');
    await expect(preparePrompt(llm, args({ words: ['hi'], params: { voice: 'x' } }))).rejects.toThrow(
      '-p voice sets a template variable, but no template is given: add -t NAME (or --save NAME to store it as a default).',
    );
  });

  it('applies a template: its model, system, options and the user’s input', async () => {
    template('pirate', 'model: smart\nsystem: Talk like $who\nprompt: "Summarize: $input"\ndefaults:\n  who: a pirate\noptions:\n  level: 3\n');
    const prepared = await preparePrompt(llm, args({ template: 'pirate', words: ['the', 'notes'], stdin: stdin('Piped') }));
    expect(prepared).toMatchObject({ prompt: 'Summarize: Piped the notes', system: 'Talk like a pirate', options: { level: 3 } });
    expect(prepared.model.id).toBe('smart');
    expect(warnings).toEqual([]);
  });

  it('ranks -o over the template’s options over the model’s defaults, and -m, -s over the template', async () => {
    template('opts', 'model: smart\nsystem: From the template\noptions:\n  level: "3"\n');
    expect((await preparePrompt(llm, args({ template: 'opts', words: ['x'] }))).options).toEqual({ level: 3 });
    expect((await preparePrompt(llm, args({ template: 'opts', words: ['x'], options: { level: '0' } }))).options).toEqual({ level: 0 });
    template('no-opts', 'prompt: $input\n');
    expect((await preparePrompt(llm, args({ template: 'no-opts', words: ['x'] }))).options).toEqual({ level: 1 });
    const overridden = await preparePrompt(llm, args({ template: 'opts', words: ['x'], model: 'plain', system: 'From -s' }));
    expect([overridden.model.id, overridden.system]).toEqual(['plain', 'From -s']);
  });

  it('sends the template’s schema_object as the schema and sets extract', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    template('dog', `model: smart\nprompt: Invent a dog\nschema_object: ${JSON.stringify(schema)}\nextract_last: true\n`);
    const prepared = await preparePrompt(llm, args({ template: 'dog' }));
    expect(prepared).toMatchObject({ prompt: 'Invent a dog', schema, extract: 'last' });
    await prepared.model.prompt(prepared.prompt, { schema: prepared.schema, options: prepared.options, log: false }).text();
    expect((prepared.model as SchemaModel).calls[0]!.prompt).toMatchObject({ prompt: 'Invent a dog', schema, options: { level: 1 } });
    await expect(preparePrompt(llm, args({ template: 'dog', model: 'plain' }))).rejects.toThrow(
      new LlmError("Template 'dog' has a schema_object, but model 'plain' does not support schemas. Pick a model that does with -m (see 'llm models --options')."),
    );
    template('bad-schema', 'model: smart\nprompt: x\nschema_object:\n  type: 12\n');
    await expect(preparePrompt(llm, args({ template: 'bad-schema' }))).rejects.toThrow(/^Template 'bad-schema' has a schema_object that is not a valid JSON Schema: /);
  });

  it('names the template when its model or options do not work', async () => {
    template('lost', 'model: smrt\nprompt: x\n');
    await expect(preparePrompt(llm, args({ template: 'lost' }))).rejects.toThrow(
      new TemplateError(
        "Template 'lost' asks for model 'smrt', which is not available. Did you mean 'smart'? Pass -m MODEL to use another (see 'llm models'), or fix the template (run 'llm templates edit lost').",
      ),
    );
    expect((await preparePrompt(llm, args({ template: 'lost', model: 'plain' }))).model.id).toBe('plain');
    template('loud', 'prompt: x\noptions:\n  volume: 11\n');
    await expect(preparePrompt(llm, args({ template: 'loud' }))).rejects.toThrow(
      /^Template 'loud' has options that do not fit: Invalid options for model 'plain': unknown option 'volume' \(valid options: level\)\. Fix the template/,
    );
  });

  it('warns about -p names the template does not use, and fails on missing ones', async () => {
    template('recipe', 'prompt: Recipe with $ingredients from $country\n');
    await preparePrompt(llm, args({ template: 'recipe', params: { ingredients: 'eggs', country: 'Peru', colour: 'red' } }));
    expect(warnings).toEqual(["Template 'recipe' does not use -p colour (it uses $ingredients, $country)"]);
    await expect(preparePrompt(llm, args({ template: 'recipe' }))).rejects.toThrow(UsageError);
  });
});

describe('prepareChat', () => {
  it('applies the template to every line and its system prompt once', async () => {
    template('fr', 'system: You translate into $lang\nprompt: "Translate: $input"\ndefaults:\n  lang: French\noptions:\n  level: 2\n');
    const chat = await prepareChat(llm, { template: 'fr', options: {}, params: { lang: 'German' } });
    expect([chat.system, chat.options, chat.transform?.('hello')]).toEqual(['You translate into German', { level: 2 }, 'Translate: hello']);
    template('needs', 'system: You are $role\n');
    await expect(prepareChat(llm, { template: 'needs', options: {}, params: {} })).rejects.toThrow(/needs a value for \$role/);
    const plain = await prepareChat(llm, { options: {}, params: {} });
    expect(plain.transform).toBeUndefined();
  });

  it("resolves the template's fragments and system fragments, then -f and --sf, for the first line; '-' is refused", async () => {
    writeFileSync(join(dir.path, 'a.txt'), 'alpha');
    writeFileSync(join(dir.path, 'b.txt'), 'beta');
    template('docs', `fragments: [${join(dir.path, 'a.txt')}]\nsystem_fragments: [${join(dir.path, 'b.txt')}]\nprompt: $input\n`);
    const chat = await prepareChat(llm, { template: 'docs', options: {}, params: {}, fragments: [join(dir.path, 'b.txt')], systemFragments: [join(dir.path, 'a.txt')] });
    expect(chat.fragments.map((f) => f.content)).toEqual(['alpha', 'beta']);
    expect(chat.systemFragments.map((f) => f.content)).toEqual(['beta', 'alpha']);
    expect(chat.attachments).toEqual([]);
    await expect(prepareChat(llm, { options: {}, params: {}, fragments: ['-'] })).rejects.toThrow(
      new UsageError("llm chat reads your lines from stdin, so -a, --at, -f and --sf cannot read it ('-'): give a file path instead."),
    );
  });
});

describe('saveTemplateFromPrompt', () => {
  const read = (name: string) => readFileSync(join(dir.path, 'templates', `${name}.yaml`), 'utf8');

  it('saves prompt, system, model id, typed options and -p as defaults, without running anything', async () => {
    const saved = await saveTemplateFromPrompt(llm, {
      ...args({ words: ['Say $input in $lang'], system: 'Be $tone', model: 's', options: { level: '2' }, params: { lang: 'French', colour: 'red' } }),
      name: 'fr',
    });
    expect(saved.path).toBe(join(dir.path, 'templates', 'fr.yaml'));
    expect(read('fr')).toBe(
      'model: smart\nprompt: Say $input in $lang\nsystem: Be $tone\ndefaults:\n    lang: French\n    colour: red\noptions:\n    level: 2\n',
    );
    expect(warnings).toEqual(["Template 'fr' does not use -p colour (it uses $lang, $tone)"]);
  });

  it('starts from a -t template, keeping its schema, and lets the command line replace its fields', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } } };
    template('with-schema', `model: smart\nsystem: Invent things\nprompt: Invent a $thing\ndefaults:\n  thing: dog\noptions:\n  level: 3\nschema_object: ${JSON.stringify(schema)}\nextract: true\n`);
    await saveTemplateFromPrompt(llm, { ...args({ template: 'with-schema', system: 'Invent silly things', params: { thing: 'cat' } }), name: 'copy' });
    const copy = await preparePrompt(llm, args({ template: 'copy' }));
    expect(copy).toMatchObject({ prompt: 'Invent a cat', system: 'Invent silly things', options: { level: 3 }, schema, extract: 'first' });
    expect(copy.model.id).toBe('smart');
  });

  it('takes a schema given directly (for --schema)', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } } };
    await saveTemplateFromPrompt(llm, { ...args({ words: ['Count'] }), name: 'count', schema });
    expect(read('count')).toContain('schema_object:\n    type: object\n');
  });

  it('checks the name, the model and the options before writing', async () => {
    await expect(saveTemplateFromPrompt(llm, { ...args({ words: ['x'] }), name: 'a/b' })).rejects.toThrow(/contains a path separator/);
    await expect(saveTemplateFromPrompt(llm, { ...args({ words: ['x'], model: 'nope' }), name: 'n' })).rejects.toThrow(/Unknown model 'nope'/);
    await expect(saveTemplateFromPrompt(llm, { ...args({ words: ['x'], options: { level: '9' } }), name: 'n' })).rejects.toThrow(/level must be <= 3/);
    await expect(saveTemplateFromPrompt(llm, { ...args({}), name: 'n' })).rejects.toThrow(/^Nothing to save as template 'n'/);
  });
});
