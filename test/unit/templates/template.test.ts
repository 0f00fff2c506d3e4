import { TemplateError } from '../../../src/errors.js';
import { checkTemplate, parseTemplate, summarizeTemplate, templateFields, templateVariables, type TemplateOrigin } from '../../../src/templates/template.js';

const origin: TemplateOrigin = { label: "Template 'demo'", path: '/u/templates/demo.yaml', fix: "run 'llm templates edit demo'" };
const parse = (text: string) => parseTemplate(text, origin);

describe('parseTemplate', () => {
  it('reads every key of the Python llm format', async () => {
    const template = await parse(`
model: gpt-4o-mini
system: You speak like $who
prompt: |
  Summarize: $input
defaults:
  who: a pirate
  count: 3
options:
  temperature: 0.5
schema_object:
  type: object
  properties:
    name: { type: string }
extract: true
extract_last: false
`);
    expect(template).toEqual({
      model: 'gpt-4o-mini',
      system: 'You speak like $who',
      prompt: 'Summarize: $input\n',
      defaults: { who: 'a pirate', count: 3 },
      options: { temperature: 0.5 },
      schema_object: { type: 'object', properties: { name: { type: 'string' } } },
      extract: true,
      extract_last: false,
      origin,
    });
    expect(templateVariables(template)).toEqual(['input', 'who']);
  });

  it('reads a plain string as a prompt, as the Python llm does', async () => {
    expect(await parse("'Summarize this: $input'")).toMatchObject({ prompt: 'Summarize this: $input' });
  });

  it('treats null values as absent and ignores name (which the Python llm writes)', async () => {
    const template = await parse('name: other\nprompt:\nsystem: Be brief\n');
    expect(templateFields(template)).toEqual({ system: 'Be brief' });
  });

  it('accepts the YAML 1.1 spellings of booleans PyYAML reads for extract', async () => {
    expect((await parse('prompt: x\nextract: yes\n')).extract).toBe(true);
    expect((await parse('prompt: x\nextract_last: off\n')).extract_last).toBe(false);
  });

  it('names the file, line and column of invalid YAML', async () => {
    const error = await parse('system: ok\nprompt: Summarize: $input\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toBe(
      "Template 'demo' is not valid YAML: Nested mappings are not allowed in compact mappings (put text that contains ': ' in quotes, or use a | block) at line 2, column 9 of /u/templates/demo.yaml. Fix it and try again (run 'llm templates edit demo').",
    );
    await expect(parse('system: ok\n\tprompt: x\n')).rejects.toThrow(/Tabs are not allowed as indentation at line 2, column 1 of/);
    await expect(parse('prompt: a\nprompt: b\n')).rejects.toThrow(/Map keys must be unique at line 2, column 1/);
  });

  it.each([
    ['colour: red\n', /has an unknown key 'colour' \(valid keys: model, prompt, system, defaults, extract, extract_last, schema_object, fragments, system_fragments, attachments, attachment_types, options, tools, functions\)/],
    ['fragments: notes.md\n', /has a fragments that is a string \("notes\.md"\): it must be a list of paths, URLs or references/],
    ['attachment_types: [photo.png]\n', /has attachment_types that are not a list of mappings with a type and a value/],
    ['prompt: [a, b]\n', /has a prompt that is a list: it must be text/],
    ['model: 4\n', /has a model that is a number \(4\): it must be text/],
    ['extract: maybe\n', /has extract: "maybe": it must be true or false/],
    ['defaults: [a]\n', /has a defaults that is a list: it must be a mapping/],
    ['defaults:\n  a: [1]\n', /has a default for 'a' that is a list/],
    ['options: 5\n', /has a options that is a number \(5\): it must be a mapping/],
    ['- a\n- b\n', /must be a mapping of keys .* or a plain string, not a list/],
    ['', /is empty: give it a prompt: or a system: key/],
    ['# only a comment\n', /is empty/],
    ['prompt: Costs $5\n', /has a '\$' that starts no variable in its prompt, at line 1, column 7: write \$name or \$\{name\} for a variable, \$\$ for a dollar sign/],
  ])('rejects %j', async (text, message) => {
    const error = await parse(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^Template 'demo' \(\/u\/templates\/demo\.yaml\) .*\. Fix it and try again \(run 'llm templates edit demo'\)\.$/);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('checkTemplate, templateFields and summarizeTemplate', () => {
  it('orders fields as files write them and drops empty ones', () => {
    const template = checkTemplate({ options: { a: 1 }, prompt: 'p', defaults: {}, model: 'm', system: '' }, origin);
    expect(Object.keys(templateFields(template))).toEqual(['model', 'prompt', 'options']);
  });

  it('summarizes on one line, system first', () => {
    expect(summarizeTemplate({ system: 'Be\nbrief', prompt: 'Say $input' })).toBe('system: Be brief prompt: Say $input');
    expect(summarizeTemplate({ prompt: 'one\r\ntwo' })).toBe('one two');
    expect(summarizeTemplate({ system: 'only system' })).toBe('system: only system');
    expect(summarizeTemplate({ model: 'x' })).toBe('');
  });
});
