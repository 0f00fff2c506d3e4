import { TemplateError, UsageError } from '../../../src/errors.js';
import { applyTemplate, unusedParams } from '../../../src/templates/apply.js';
import type { Template, TemplateFields } from '../../../src/templates/template.js';

const template = (fields: TemplateFields): Template => ({ ...fields, origin: { label: "Template 'demo'", path: '/t/demo.yaml', fix: 'edit it' } });

describe('applyTemplate', () => {
  it('puts the input where $input is', () => {
    expect(applyTemplate(template({ prompt: 'Summarize: $input' }), { input: 'the text', params: {} })).toEqual({ prompt: 'Summarize: the text', system: undefined });
  });

  it('appends the input on a new line when the template does not use $input', () => {
    expect(applyTemplate(template({ prompt: 'Translate to French:' }), { input: 'hello', params: {} }).prompt).toBe('Translate to French:\nhello');
    expect(applyTemplate(template({ prompt: 'Suggest a recipe with $ingredients' }), { input: '', params: { ingredients: 'eggs' } }).prompt).toBe(
      'Suggest a recipe with eggs',
    );
  });

  it('sends the input as the prompt when the template has only a system prompt', () => {
    expect(applyTemplate(template({ system: 'Summarize in the voice of $voice' }), { input: 'some text', params: { voice: 'GlaDOS' } })).toEqual({
      prompt: 'some text',
      system: 'Summarize in the voice of GlaDOS',
    });
  });

  it('does not append the input when only the system prompt uses $input', () => {
    expect(applyTemplate(template({ system: 'Context: $input', prompt: 'Answer briefly' }), { input: 'x', params: {} })).toEqual({
      prompt: 'Answer briefly',
      system: 'Context: x',
    });
  });

  it('takes -p values over defaults, and defaults as text', () => {
    const t = template({ prompt: '$greeting $name, $count times. $$ stays.', defaults: { greeting: 'Hello', count: 3, name: 'you' } });
    expect(applyTemplate(t, { input: '', params: { name: 'Ada' } }).prompt).toBe('Hello Ada, 3 times. $ stays.');
  });

  it('names every missing variable in one error', () => {
    const t = template({ system: 'You are $role', prompt: 'Recipe with $ingredients from ${country}, by $role' });
    const apply = () => applyTemplate(t, { input: '', params: {} });
    expect(apply).toThrow(UsageError);
    expect(apply).toThrow("Template 'demo' needs a value for $ingredients, $country, $role: pass -p ingredients VALUE -p country VALUE -p role VALUE, or give it a default under 'defaults:' in the template.");
  });

  it('needs input for $input, and a prompt from somewhere', () => {
    expect(() => applyTemplate(template({ prompt: 'Summarize: $input' }), { input: ' \n', params: {} })).toThrow(/puts your input where it says \$input, but there is none/);
    expect(() => applyTemplate(template({ system: 'Be brief' }), { input: '', params: {} })).toThrow(/has no prompt of its own, so it needs your input/);
    expect(() => applyTemplate(template({ prompt: '$x' }), { input: '', params: { x: '' } })).toThrow(/gave an empty prompt/);
    expect(() => applyTemplate(template({ prompt: '$x' }), { input: '', params: {} })).not.toThrow(TemplateError);
  });
});

describe('unusedParams', () => {
  it('warns about -p names the template does not use, and about -p input', () => {
    const t = template({ prompt: '$input in $lang', system: 'Be $tone' });
    expect(unusedParams(t, { lang: 'fr', tone: 'dry', colour: 'red', input: 'x' })).toEqual([
      "Template 'demo' does not use -p colour (it uses $lang, $tone)",
      '-p input is ignored: $input is always your input (piped text and prompt arguments)',
    ]);
    expect(unusedParams(template({ prompt: 'plain' }), { a: '1' })).toEqual(["Template 'demo' does not use -p a (it uses no variables)"]);
  });
});
