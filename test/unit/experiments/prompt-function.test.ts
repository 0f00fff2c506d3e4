import { createHash } from 'node:crypto';
import { TemplateError } from '../../../src/errors.js';
import { prompt } from '../../../default-plugins/experiments/lib/prompt-function.js';
import { currentRun, RunContext, withRunContext } from '../../../default-plugins/experiments/lib/run-context.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('prompt functions', () => {
  it('render a nunjucks template with loops, conditionals and filters into a message', () => {
    const template = `Summarize for {{ reader | upper }}:
{% for item in items %}
- {{ loop.index }}. {{ item.title }}
{% endfor %}
{% if notes %}Notes: {{ notes }}{% endif %}`;
    const summarize = prompt('user', template, { name: 'summarize' });
    const message = summarize({ reader: 'ada', items: [{ title: 'One' }, { title: 'Two' }], notes: 'be brief' });
    expect(message).toEqual({
      role: 'user',
      content: 'Summarize for ADA:\n- 1. One\n- 2. Two\nNotes: be brief',
      templateHash: sha256(template),
      promptName: 'summarize',
    });
    expect(summarize.templateHash).toBe(sha256(template));
    expect(summarize.variables).toEqual(['reader', 'items', 'notes']);
    expect(summarize({ reader: 'bo', items: [], notes: null }).content).toBe('Summarize for BO:\n');
  });

  it('does not autoescape: prompts are not HTML', () => {
    expect(prompt('system', 'Use <b>{{ tag }}</b> & "quotes"')({ tag: '<i>' }).content).toBe('Use <b><i></b> & "quotes"');
  });

  it('names every missing variable, and mentions the ones the template does not use', () => {
    const greet = prompt('user', 'Hello {{ name }}, {% if title %}{{ title }}{% endif %} from {{ place.city }}', { name: 'greet' });
    expect(() => greet({ name: 'Ada' })).toThrow(new TemplateError("prompt 'greet' is missing variables 'title', 'place'"));
    expect(() => greet({ nmae: 'Ada', title: null, place: {} })).toThrow(
      "prompt 'greet' is missing variable 'name' (it was given 'nmae', which the template does not use)",
    );
    expect(() => greet()).toThrow(/missing variables 'name', 'title', 'place'/);
  });

  it('does not ask for names the template binds itself', () => {
    const template = `{% set greeting = "Hi" %}{{ greeting }} {% for k, v in pairs %}{{ k }}={{ v }} {% endfor %}{% macro shout(word, end="!") %}{{ word | upper }}{{ end }}{% endmacro %}{{ shout(who) }} {{ range(2) | join(",") }} {{ {"a": 1}.a }}{{ x is defined }}`;
    const fn = prompt('user', template);
    expect(fn.variables).toEqual(['pairs', 'who', 'x']);
    expect(fn({ pairs: { a: 1 }, who: 'you', x: 1 }).content).toBe('Hi a=1 YOU! 0,1 1true');
  });

  it('reports a template syntax error with its line and column, when the prompt is defined', () => {
    expect(() => prompt('user', 'Line one\n{{ oops }', { name: 'broken' })).toThrow(
      /^prompt 'broken' has a template error: line 2, column \d+: expected variable end/,
    );
    expect(() => prompt('user', '{% for x in xs %}no end', { name: 'open-for' })).toThrow("prompt 'open-for' has a template error: unexpected end of file (is a {% for %} or {% if %} block not closed?)");
  });

  it('checks its role, template and name', () => {
    expect(() => prompt('robot' as 'user', 'x')).toThrow("prompt role must be one of system, user, assistant (got \"robot\")");
    expect(() => prompt('user', 42 as unknown as string)).toThrow('prompt template must be a string (got number)');
    expect(() => prompt('user', 'x', { name: 'bad\nname' })).toThrow(/prompt name "bad\\nname" is not valid/);
    expect(() => prompt('user', 'x')(['a'] as unknown as Record<string, unknown>)).toThrow("takes an object of variables (got an array)");
  });

  it('names unnamed prompts after their role and hash, so each template stands alone', () => {
    const fn = prompt('system', 'Be terse.');
    expect(fn.promptName).toBe(`system-${sha256('Be terse.').slice(0, 8)}`);
  });

  it('records its name, hash, role and template in the current experiment run, once', () => {
    const fn = prompt('user', 'Hi {{ who }}', { name: 'hi' });
    const run = new RunContext({ id: 'run', index: 0, signal: new AbortController().signal, log: false, getModel: () => Promise.reject(new Error('no')) });
    withRunContext(run, () => {
      expect(currentRun()).toBe(run);
      fn({ who: 'a' });
      fn({ who: 'b' });
    });
    expect(run.prompts).toEqual([{ name: 'hi', hash: sha256('Hi {{ who }}'), role: 'user', template: 'Hi {{ who }}' }]);
    fn({ who: 'outside' });
    expect(run.prompts).toHaveLength(1);
  });
});
