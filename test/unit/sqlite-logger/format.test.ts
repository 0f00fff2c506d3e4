import { formatJson, formatMarkdown, formatShort, truncate, usageText } from '../../../default-plugins/sqlite-logger/format.js';
import type { LogRow } from '../../../default-plugins/sqlite-logger/queries.js';

const row = (over: Partial<LogRow>): LogRow => ({
  id: '01jt0aaaaaaaaaaaaaaaaaaaa1',
  model: 'gpt-4o-mini',
  resolved_model: null,
  prompt: 'Three names for a pet pelican',
  system: null,
  prompt_json: null,
  options_json: '{}',
  response: 'Percy, Gulliver, Captain Pouch',
  response_json: null,
  conversation_id: '01jt0aaaaaaaaaaaaaaaaaaaaa',
  duration_ms: 812,
  datetime_utc: '2025-05-01T10:00:01.123456+00:00',
  input_tokens: 1234,
  output_tokens: 9,
  token_details: '{"cached_tokens": 2}',
  conversation_name: 'Three names for a pet pelican',
  conversation_model: 'gpt-4o-mini',
  schema_json: null,
  ...over,
});

describe("llm logs output, as the Python llm's", () => {
  it('writes Markdown: heading, model, prompt, options, system when it changes, response, usage', () => {
    const rows = [
      row({ system: 'Be brief', options_json: '{"temperature": 0.5, "stop": ["x"]}', resolved_model: 'gpt-4o-mini-2024-07-18' }),
      row({ id: '01jt0aaaaaaaaaaaaaaaaaaaa2', prompt: 'One more?', response: 'Beaky', system: 'Be brief', token_details: null, datetime_utc: '2025-05-01T10:00:05.654321+00:00' }),
    ];
    expect(formatMarkdown(rows, { usage: true })).toBe(
      [
        '# 2025-05-01T10:00:01    conversation: 01jt0aaaaaaaaaaaaaaaaaaaaa id: 01jt0aaaaaaaaaaaaaaaaaaaa1',
        '',
        'Model: **gpt-4o-mini** (resolved: **gpt-4o-mini-2024-07-18**)',
        '',
        '## Prompt',
        '',
        'Three names for a pet pelican',
        '',
        '## Options',
        '',
        '- temperature: 0.5',
        '- stop: ["x"]',
        '',
        '## System',
        '',
        'Be brief',
        '',
        '## Response',
        '',
        'Percy, Gulliver, Captain Pouch',
        '',
        '## Token usage',
        '',
        '1,234 input, 9 output, {"cached_tokens": 2}',
        '',
        '# 2025-05-01T10:00:05    conversation: 01jt0aaaaaaaaaaaaaaaaaaaaa id: 01jt0aaaaaaaaaaaaaaaaaaaa2',
        '',
        'Model: **gpt-4o-mini**',
        '',
        '## Prompt',
        '',
        'One more?',
        '',
        '## Response',
        '',
        'Beaky',
        '',
        '## Token usage',
        '',
        '1,234 input, 9 output',
        '',
        '',
      ].join('\n'),
    );
  });

  it('shows the conversation once when listing one, and schemas with their JSON reply', () => {
    const schema = '{"type":"object","properties":{"name":{"type":"string"}}}';
    const text = formatMarkdown([row({ schema_json: schema, response: '{"name": "Ada"}' }), row({ prompt: null, response: '' })], { conversation: true });
    expect(text).toContain('## Schema\n\n```json\n{\n  "type": "object",\n  "properties": {\n    "name": {\n      "type": "string"\n    }\n  }\n}\n```\n');
    expect(text).toContain('## Response\n\n```json\n{\n  "name": "Ada"\n}\n```\n\n');
    expect(text.match(/conversation: /g)).toHaveLength(1);
    expect(text).toContain('# 2025-05-01T10:00:01\n\n## Prompt\n\n-- none --\n\n## Response\n\n');
  });

  it('writes JSON with _json columns decoded, dropped with -t', () => {
    const [full] = JSON.parse(formatJson([row({ options_json: '{"temperature": 0.5}', response_json: '{"id": 1}' })]));
    expect(full).toMatchObject({ options_json: { temperature: 0.5 }, response_json: { id: 1 }, prompt_json: null, token_details: '{"cached_tokens": 2}' });
    const [cut] = JSON.parse(formatJson([row({ response: 'x'.repeat(150) })], { truncate: true }));
    expect(cut).not.toHaveProperty('options_json');
    expect(cut.response).toBe(`${'x'.repeat(97)}...`);
  });

  it('writes short YAML with whitespace collapsed and long prompts cut in the middle', async () => {
    const prompt = `start ${'word '.repeat(40)}\n end`;
    const yaml = await formatShort([row({ prompt, system: 'Be\nbrief' })], { usage: true });
    const parsed = (await import('yaml')).parse(yaml) as Record<string, unknown>[];
    expect(parsed).toEqual([
      {
        model: 'gpt-4o-mini',
        datetime: '2025-05-01T10:00:01',
        conversation: '01jt0aaaaaaaaaaaaaaaaaaaaa',
        system: 'Be brief',
        prompt: truncate(prompt, 120, { normalize: true, keepEnd: true }),
        usage: { input: 1234, output: 9, details: { cached_tokens: 2 } },
      },
    ]);
    expect(truncate(prompt, 120, { normalize: true, keepEnd: true })).toMatch(/^start word .{40,}\.\.\. .* word end$/);
    expect(truncate(prompt, 120, { normalize: true, keepEnd: true })).toHaveLength(118);
  });

  it('shows fragments by hash, or in full with -e/--expand: <details> in Markdown (code fenced), uncut in JSON', () => {
    const prose = { hash: 'a'.repeat(64), content: `Pelicans ${'fish '.repeat(30)}`, aliases: ['notes'] };
    const code = { hash: 'b'.repeat(64), content: 'line 1\nline 2\n```\nline 4\n', aliases: [] };
    const rows = [row({ prompt_fragments: [prose, code], system_fragments: [code] } as Partial<LogRow>)];
    const short = formatMarkdown(rows);
    expect(short).toContain(`## Prompt\n\nThree names for a pet pelican\n\n### Prompt fragments\n\n- ${prose.hash}\n- ${code.hash}\n\n### System fragments`);
    expect(short).toContain(`### System fragments\n\n- ${code.hash}\n`);
    expect(short).not.toContain('Pelicans');
    const expanded = formatMarkdown(rows, { expand: true });
    const codeBlock = `<details><summary>${code.hash}</summary>\n\n\`\`\`\`\nline 1\nline 2\n\`\`\`\nline 4\n\`\`\`\`\n</details>`;
    expect(expanded).toContain(`### Prompt fragments\n\n<details><summary>${prose.hash}</summary>\n${prose.content}\n</details>\n${codeBlock}\n`);
    expect(expanded).toContain(`### System fragments\n\n${codeBlock}\n`);

    const [cut] = JSON.parse(formatJson(rows));
    expect(cut.prompt_fragments).toEqual([{ ...prose, content: truncate(prose.content) }, code]);
    expect(cut.prompt_fragments[0].content).toHaveLength(100);
    const [full] = JSON.parse(formatJson(rows, { expand: true }));
    expect(full.prompt_fragments).toEqual([prose, code]);
    expect(full.system_fragments).toEqual([code]);
  });

  it('writes usage like token_usage_string', () => {
    expect(usageText({ input_tokens: 1000000, output_tokens: null, token_details: null })).toBe('1,000,000 input');
  });
});
