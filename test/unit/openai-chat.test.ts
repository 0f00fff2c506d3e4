import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OptionsError } from '../../src/errors.js';
import type { Llm } from '../../src/host/llm.js';
import { chunk, completion, FakeOpenAIServer, textReply } from '../helpers/fake-openai-server.js';
import { openaiHost, TEST_KEY } from '../helpers/openai-host.js';
import { tempDir } from '../helpers/temp-dir.js';

// The openai plugin against the fake server over real HTTP: what it sends (checked against
// OpenAI's schema by the server), and what it makes of the replies.

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir();
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

async function collectChunks(response: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const piece of response) chunks.push(piece);
  return chunks;
}

describe('streaming chat completions', () => {
  it('streams the reply as it arrives and records usage, the raw JSON and the resolved model', async () => {
    const { llm, logged } = await openaiHost(server, dir.path);
    const text = 'Héllo wörld 🎉 — 日本語 and ünïcödé, split anywhere.';
    server.reply(
      textReply(text, {
        model: 'gpt-4o-mini-2024-07-18',
        usage: {
          prompt_tokens: 12,
          completion_tokens: 9,
          total_tokens: 21,
          prompt_tokens_details: { cached_tokens: 3, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      }),
    );
    const response = (await llm.getModel('4o-mini')).prompt('Say hello', { system: 'Be brief' });
    const chunks = await collectChunks(response);
    expect(chunks.join('')).toBe(text);
    expect(chunks.length).toBeGreaterThan(5);
    expect(await response.usage()).toEqual({ input: 12, output: 9, details: { prompt_tokens_details: { cached_tokens: 3 } } });
    expect(response.resolvedModel).toBe('gpt-4o-mini-2024-07-18');
    expect(response.responseJson).toEqual({
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      model: 'gpt-4o-mini-2024-07-18',
      created: 1_700_000_000,
      system_fingerprint: 'fp_fake',
      content: text,
      finish_reason: 'stop',
      usage: expect.objectContaining({ prompt_tokens: 12, completion_tokens: 9 }),
    });
    await response.done();
    expect(logged).toEqual([response]);

    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(request!.headers).toMatchObject({
      authorization: `Bearer ${TEST_KEY}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'user-agent': expect.stringMatching(/^llm\/\d/),
    });
    expect(request!.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Say hello' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('reads keep-alive comments, CRLF line endings and a slow stream', async () => {
    const { llm } = await openaiHost(server, dir.path);
    server.reply(textReply(['one ', 'two ', 'three'], { keepAlive: true, lineEnding: '\r\n', delayMs: 15 }));
    const response = (await llm.getModel('gpt-4o')).prompt('count');
    expect(await collectChunks(response)).toEqual(['one ', 'two ', 'three']);
    const { events } = server.requests[0]!.timeline;
    expect(events.at(-1)! - events[0]!).toBeGreaterThanOrEqual(15 * (events.length - 2));
  });

  it('accepts a stream that ends with a finish_reason but no [DONE], as some servers send', async () => {
    const { llm } = await openaiHost(server, dir.path);
    server.reply(textReply('no done marker', { done: false }));
    expect(await (await llm.getModel('gpt-4o')).prompt('x').text()).toBe('no done marker');
  });

  it('reads a JSON answer from a server that ignores stream: true', async () => {
    const { llm } = await openaiHost(server, dir.path);
    server.reply({ kind: 'json', body: completion('plain JSON after all') });
    expect(await (await llm.getModel('gpt-4o')).prompt('x').text()).toBe('plain JSON after all');
  });

  it('fails clearly on an error event, a non-JSON event and a refusal', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const model = await llm.getModel('gpt-4o');
    server.reply({ kind: 'stream', events: [chunk('partial '), 'data: {"error": {"message": "The model overloaded.", "type": "server_error"}}\n\n'] });
    await expect(model.prompt('x').text()).rejects.toThrow(`${server.baseUrl}/chat/completions reported an error: The model overloaded.`);
    server.reply({ kind: 'stream', events: ['data: {not json\n\n'] });
    await expect(model.prompt('x').text()).rejects.toThrow(/sent something that is not JSON: "\{not json"\. Is it an OpenAI-compatible/);
    server.reply({ kind: 'json', body: completion(null, { refusal: "I can't help with that." }) });
    await expect(model.prompt('x', { stream: false }).text()).rejects.toThrow("gpt-4o refused to answer: I can't help with that.");
  });
});

describe('plain requests (--no-stream)', () => {
  it('sends no stream fields and records usage and the completion JSON without nulls', async () => {
    const { llm } = await openaiHost(server, dir.path);
    server.reply(textReply('A whole reply', { usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 } }));
    const response = (await llm.getModel('gpt-4.1-nano')).prompt('hi', { stream: false });
    expect(await collectChunks(response)).toEqual(['A whole reply']);
    expect(await response.usage()).toEqual({ input: 4, output: 3 });
    expect(server.chatBodies[0]).toEqual({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests[0]!.headers.accept).toBe('application/json');
    expect(response.responseJson).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'A whole reply' }, finish_reason: 'stop' }] });
    expect(JSON.stringify(response.responseJson)).not.toContain('null');
    expect(response.resolvedModel).toBe(undefined);
  });

  it('never streams a model that cannot (o1)', async () => {
    const { llm } = await openaiHost(server, dir.path);
    expect(await (await llm.getModel('o1')).prompt('hi').text()).toBe('You said: hi');
    expect(server.chatBodies[0].stream).toBeUndefined();
  });
});

describe('conversations', () => {
  it('sends every earlier turn, and a system prompt again only when it changes', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const conversation = (await llm.getModel('gpt-4o-mini')).conversation();
    expect(await conversation.prompt('One', { system: 'Be brief' }).text()).toBe('You said: One');
    expect(await conversation.prompt('Two', { system: 'Be brief' }).text()).toBe('You said: Two');
    expect(await conversation.prompt('Three', { system: 'Now be verbose', stream: false }).text()).toBe('You said: Three');
    expect(server.chatBodies.map((body) => body.messages)).toEqual([
      [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'One' },
      ],
      [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'You said: One' },
        { role: 'user', content: 'Two' },
      ],
      [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'You said: One' },
        { role: 'user', content: 'Two' },
        { role: 'assistant', content: 'You said: Two' },
        { role: 'system', content: 'Now be verbose' },
        { role: 'user', content: 'Three' },
      ],
    ]);
  });
});

describe('options', () => {
  it('converts command-line strings by schema and sends them as the API names them', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const model = await llm.getModel('4o');
    const options = await model.validateOptions(
      { temperature: '0.5', top_p: '0.9', frequency_penalty: '-1', presence_penalty: '1.5', stop: '["END", "STOP"]', seed: '42', logit_bias: '{"1712": -100}', max_tokens: '64', json_object: 'true' },
      { fromCli: true },
    );
    await model.prompt('Reply in JSON', { options }).text();
    expect(server.chatBodies[0]).toMatchObject({
      temperature: 0.5,
      top_p: 0.9,
      frequency_penalty: -1,
      presence_penalty: 1.5,
      stop: ['END', 'STOP'],
      seed: 42,
      logit_bias: { '1712': -100 },
      max_tokens: 64,
      response_format: { type: 'json_object' },
    });
    expect(server.chatBodies[0].json_object).toBeUndefined();
  });

  it('gives reasoning models reasoning_effort and max_completion_tokens, and no sampling options', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const model = await llm.getModel('o4-mini');
    await model.prompt('think', { options: { reasoning_effort: 'high', max_tokens: 500, stop: 'END' } }).text();
    expect(server.chatBodies[0]).toMatchObject({ model: 'o4-mini', reasoning_effort: 'high', max_completion_tokens: 500, stop: 'END' });
    expect(server.chatBodies[0].max_tokens).toBeUndefined();
    await expect(model.prompt('x', { options: { temperature: 0.2 } }).text()).rejects.toThrow(/unknown option 'temperature' \(valid options: .*reasoning_effort/);
    await expect(model.prompt('x', { options: { reasoning_effort: 'extreme' } }).text()).rejects.toThrow(/reasoning_effort must be one of "low", "medium", "high"/);
    await expect((await llm.getModel('gpt-5')).validateOptions({ reasoning_effort: 'minimal' })).resolves.toEqual({ reasoning_effort: 'minimal' });
    expect(server.requests).toHaveLength(1);
  });

  it('rejects bad options before any request, naming every problem', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const model = await llm.getModel('gpt-4o');
    const error = await model.prompt('x', { options: { temperature: 3, logit_bias: { abc: 500 }, stop: ['a', 'b', 'c', 'd', 'e'] } }).text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toMatch(/temperature must be <= 2 \(got 3\)/);
    expect((error as Error).message).toMatch(/logit_bias/);
    expect((error as Error).message).toMatch(/stop must NOT have more than 4 items/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('structured output', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };

  it('sends the schema as response_format json_schema and validates the reply', async () => {
    const { llm } = await openaiHost(server, dir.path);
    server.reply(textReply('{"name": "Rex", "age": 3}'));
    const response = (await llm.getModel('gpt-4o-mini')).prompt('Invent a dog', { schema });
    expect(await response.json()).toEqual({ name: 'Rex', age: 3 });
    expect(server.chatBodies[0].response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema } });

    server.reply(textReply('{"name": "Rex", "age": "three"}'));
    await expect((await llm.getModel('gpt-4o-mini')).prompt('again', { schema }).json()).rejects.toThrow(
      'The reply from gpt-4o-mini does not match the schema: /age must be integer (got "three")',
    );
  });
});

describe('extra-openai-models.yaml', () => {
  async function hostWithExtra(yaml: string, env: Record<string, string | undefined> = {}): Promise<{ llm: Llm; warnings: string[] }> {
    writeFileSync(join(dir.path, 'extra-openai-models.yaml'), yaml);
    return openaiHost(server, dir.path, env);
  }

  it('registers compatible models: api_base without a key, model_name, headers, aliases, can_stream, supports_schema', async () => {
    const { llm, warnings } = await hostWithExtra(`
- model_id: local-llama
  model_name: llama-3.2-3b-instruct
  api_base: "${server.baseUrl}"
  aliases: [ll, "0613"]
  headers:
    X-Title: llm tests
  can_stream: false
  supports_schema: yes
  vision: true
`);
    expect(warnings).toEqual([]);
    const entry = (await llm.getModels()).find((e) => e.model.id === 'local-llama')!;
    expect(entry).toMatchObject({ plugin: 'openai', aliases: ['ll', '0613'] });
    expect(entry.model).toMatchObject({ needsKey: undefined, keyEnvVar: undefined, canStream: false, supportsSchema: true, label: 'OpenAI Chat' });
    // vision: true takes images and PDFs, as the Python llm's vision models do.
    expect([...entry.model.attachmentTypes].sort()).toEqual(['application/pdf', 'image/gif', 'image/jpeg', 'image/png', 'image/webp']);
    // No key anywhere is needed, and the OpenAI key is not sent to another server.
    expect(await (await llm.getModel('0613')).prompt('hi').text()).toBe('You said: hi');
    const [request] = server.requests;
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.headers['x-title']).toBe('llm tests');
    expect(request!.body).toEqual({ model: 'llama-3.2-3b-instruct', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('uses the stored key named by api_key_name, and the OpenAI key for a model without api_base', async () => {
    const { llm } = await hostWithExtra(`
- model_id: router-model
  api_base: ${server.baseUrl}
  api_key_name: router
- model_id: gpt-9-preview
  reasoning: true
  audio: true
`);
    await llm.keys.set('router', 'router-key-123');
    await (await llm.getModel('router-model')).prompt('a').text();
    expect(server.requests[0]!.headers.authorization).toBe('Bearer router-key-123');
    const preview = await llm.getModel('gpt-9-preview');
    expect(preview).toMatchObject({ needsKey: 'openai', keyEnvVar: 'OPENAI_API_KEY' });
    // audio: true takes wav and mp3 (input_audio's two formats); without vision, no images.
    expect([...preview.attachmentTypes].sort()).toEqual(['audio/mpeg', 'audio/wav']);
    expect([...(await llm.getModel('router-model')).attachmentTypes]).toEqual([]);
    await preview.prompt('b', { options: { reasoning_effort: 'low' } }).text();
    expect(server.requests[1]!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(server.chatBodies[1]).toMatchObject({ model: 'gpt-9-preview', reasoning_effort: 'low' });
  });

  it('gives a model whose api_key_name is openai the OPENAI_API_KEY variable too, as the Python llm does', async () => {
    // hostWithExtra's environment has OPENAI_API_KEY=TEST_KEY and no stored keys.
    const { llm } = await hostWithExtra(`
- model_id: proxied
  api_base: ${server.baseUrl}
  api_key_name: openai
- model_id: named-openai
  api_key_name: openai
- model_id: elsewhere
  api_base: ${server.baseUrl}
  api_key_name: router
`);
    for (const id of ['proxied', 'named-openai']) {
      const model = await llm.getModel(id);
      expect(model).toMatchObject({ needsKey: 'openai', keyEnvVar: 'OPENAI_API_KEY' });
      await model.prompt('a').text();
      expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    }
    // Another key name: keys.json only; the OpenAI key never goes to a server that asked for another.
    const elsewhere = await llm.getModel('elsewhere');
    expect(elsewhere).toMatchObject({ needsKey: 'router', keyEnvVar: undefined });
    await expect(elsewhere.prompt('b').text()).rejects.toThrow("No key found for model 'elsewhere': add one with 'llm keys set router', or pass --key.");
    expect(server.requests).toHaveLength(2);
  });

  it("lets the user's file replace a built-in model or take its alias", async () => {
    const { llm } = await hostWithExtra(`
- model_id: gpt-4o
  model_name: gpt-4o-2024-11-20
- model_id: my-mini
  aliases: [4o-mini]
`);
    const models = await llm.getModels();
    expect(models.filter((e) => e.model.id === 'gpt-4o')).toHaveLength(1);
    expect((await llm.getModel('4o-mini')).id).toBe('my-mini');
    expect(models.find((e) => e.model.id === 'gpt-4o-mini')!.aliases).toEqual([]);
    await (await llm.getModel('gpt-4o')).prompt('x').text();
    expect(server.chatBodies[0].model).toBe('gpt-4o-2024-11-20');
  });

  it('refuses a schema for a model that does not support one, before any request', async () => {
    const { llm } = await hostWithExtra(`- model_id: plain\n  api_base: ${server.baseUrl}\n`);
    await expect((await llm.getModel('plain')).prompt('x', { schema: { type: 'object' } }).text()).rejects.toThrow(
      "Model 'plain' does not support schemas.",
    );
    expect(server.requests).toHaveLength(0);
  });

  it('warns about unknown keys and fails on a broken file, naming it', async () => {
    const file = join(dir.path, 'extra-openai-models.yaml');
    const { llm, warnings } = await hostWithExtra('- model_id: odd\n  colour: red\n  completion: true\n');
    expect((await llm.getModel('odd')).id).toBe('odd');
    expect(warnings).toEqual([
      `${file}, entry 1 ('odd') has an unknown key 'colour'; ignoring it`,
      `${file}, entry 1 ('odd'): completion models are not supported; 'odd' is used as a chat model`,
    ]);
    const cases: [string, string | RegExp][] = [
      ['- model_id: [unclosed\n', new RegExp(`^plugin openai failed in registerModels: ${file} is not valid YAML: .+\\. Fix or remove the file\\.$`)],
      ['model_id: not-a-list\n', `${file} must be a YAML list of models (- model_id: ...).`],
      ['- model_name: no-id\n', `${file}, entry 1: model_id is missing.`],
      ['- model_id: a\n- model_id: a\n', `${file} lists model_id 'a' twice. Remove one of them.`],
      ['- model_id: b\n  api_base: localhost:8080\n', `${file}, entry 1 ('b') must be an http:// or https:// URL`],
      ['- model_id: c\n  can_stream: maybe\n', `${file}, entry 1: can_stream must be true or false.`],
    ];
    for (const [yaml, message] of cases) {
      const { llm: broken } = await hostWithExtra(yaml);
      await expect(broken.getModels()).rejects.toThrow(message);
    }
  });
});
