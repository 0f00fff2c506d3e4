import { Attachment, createLlm, defineTool, LlmError, OptionsError, type Llm, type Response } from 'llm-host';
import { pdf, png, wav } from '../../../test/helpers/media.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import anthropicPlugin from '../src/index.js';
import { apiError, FakeAnthropicServer, message, type Block, type FakeRequest } from './fake-anthropic-server.js';

// The plugin in a host, against the fake Messages API over real HTTP: what it sends, what it makes
// of the replies, and how it fails.

const KEY = 'sk-ant-test-S3CRET-0123456789';

let server: FakeAnthropicServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeAnthropicServer.start();
  dir = tempDir();
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

/** A host with only this plugin, pointed at the fake server, recording what it logs. */
async function host(env: Record<string, string> = {}): Promise<{ llm: Llm; logged: Response[]; warnings: string[] }> {
  const logged: Response[] = [];
  const warnings: string[] = [];
  const llm = await createLlm({
    userDir: dir.path,
    env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.baseUrl, LLM_ANTHROPIC_RETRY_DELAY: '0.001', ...env },
    defaultPlugins: false,
    loadInstalled: false,
    warn: (text) => warnings.push(text),
    plugins: [anthropicPlugin, { name: 'test-logger', apply: (hooks) => hooks.logResponse.tap('test-logger', (response) => void logged.push(response)) }],
  });
  return { llm, logged, warnings };
}

async function chunks(response: AsyncIterable<string>): Promise<string[]> {
  const result: string[] = [];
  for await (const piece of response) result.push(piece);
  return result;
}

async function failure(response: Response): Promise<LlmError> {
  try {
    await response.text();
  } catch (error) {
    return error as LlmError;
  }
  throw new Error('the response did not fail');
}

describe('the catalogue', () => {
  it('registers the current Claude families under Python-compatible ids, API names and family aliases', async () => {
    const { llm } = await host();
    const ids = (await llm.getModels()).map((entry) => entry.model.id);
    expect(ids).toContain('anthropic/claude-sonnet-4-5');
    expect(ids.every((id) => id.startsWith('anthropic/claude-'))).toBe(true);
    for (const [alias, id] of [
      ['claude-sonnet', 'anthropic/claude-sonnet-5'],
      ['claude-haiku', 'anthropic/claude-haiku-4-5-20251001'],
      ['claude-opus', 'anthropic/claude-opus-4-8'],
      ['claude-sonnet-4.5', 'anthropic/claude-sonnet-4-5'],
      ['claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5'],
    ]) {
      expect((await llm.getModel(alias!)).id).toBe(id);
    }
    const model = await llm.getModel('claude-haiku');
    expect(model).toMatchObject({ needsKey: 'anthropic', keyEnvVar: 'ANTHROPIC_API_KEY', supportsSchema: true, canStream: true });
    expect(String(model)).toBe('Anthropic Messages: anthropic/claude-haiku-4-5-20251001');
  });
});

describe('prompts', () => {
  it('streams the reply as it arrives, with the headers, system prompt and options the API wants', async () => {
    const { llm, logged } = await host();
    const text = 'Héllo wörld 🎉 — 日本語 and ünïcödé, split anywhere.';
    server.reply(message(text, { model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 12, output_tokens: 9, cache_read_input_tokens: 0, service_tier: 'standard' } }));
    const model = await llm.getModel('claude-sonnet-4.5');
    const response = model.prompt('Say hello', { system: 'Be brief', options: { temperature: 0.5, top_k: 5, stop_sequences: 'END', user_id: 'u1' } });
    const pieces = await chunks(response);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(3);
    const [request] = server.requests;
    expect(request!.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01', accept: 'text/event-stream' });
    expect(request!.headers['anthropic-beta']).toBeUndefined();
    expect(request!.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 64000,
      stream: true,
      system: 'Be brief',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
      temperature: 0.5,
      top_k: 5,
      stop_sequences: ['END'],
      metadata: { user_id: 'u1' },
    });
    expect(await response.usage()).toEqual({ input: 12, output: 9 });
    expect(response.resolvedModel).toBe('claude-sonnet-4-5-20250929');
    expect(response.responseJson).toEqual({
      id: 'msg_fake01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    await response.done();
    expect(logged).toEqual([response]);
    expect(JSON.stringify(response.responseJson)).not.toContain(KEY);
  });

  it('sends the whole message without streaming (--no-stream) and reads the same things from it', async () => {
    const { llm } = await host();
    server.reply(message('Whole reply', { usage: { input_tokens: 3, output_tokens: 2 } }));
    const response = (await llm.getModel('claude-haiku')).prompt('hi', { stream: false });
    expect(await chunks(response)).toEqual(['Whole reply']);
    expect(server.requests[0]!.body.stream).toBeUndefined();
    expect(server.requests[0]!.headers.accept).toBe('application/json');
    expect(await response.usage()).toEqual({ input: 3, output: 2 });
    expect(response.responseJson).toMatchObject({ content: [{ type: 'text', text: 'Whole reply' }], stop_reason: 'end_turn' });
  });

  it('sends the earlier turns of a conversation, and keeps its system prompt', async () => {
    const { llm } = await host();
    const conversation = (await llm.getModel('claude-opus')).conversation();
    expect(await conversation.prompt('Name a colour', { system: 'Answer in one word' }).text()).toBe('You said: Name a colour');
    expect(await conversation.prompt('Another').text()).toBe('You said: Another');
    expect(server.requests[1]!.body).toMatchObject({
      system: 'Answer in one word',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Name a colour' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'You said: Name a colour' }] },
        { role: 'user', content: [{ type: 'text', text: 'Another' }] },
      ],
    });
  });

  it('logs cache tokens in the usage details, and with cache marks the system prompt and the last turn', async () => {
    const { llm } = await host();
    const usage = { input_tokens: 5, output_tokens: 4, cache_creation_input_tokens: 1200, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 1200, ephemeral_1h_input_tokens: 0 }, service_tier: 'standard' };
    server.reply(message('cached', { usage }));
    const response = (await llm.getModel('claude-sonnet')).prompt('long document ...', { system: 'You summarise', options: { cache: true } });
    expect(await response.usage()).toEqual({ input: 5, output: 4, details: { cache_creation_input_tokens: 1200, cache_creation: { ephemeral_5m_input_tokens: 1200 } } });
    expect(server.requests[0]!.body).toMatchObject({
      system: [{ type: 'text', text: 'You summarise', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'long document ...', cache_control: { type: 'ephemeral' } }] }],
    });
  });

  it('asks for thinking with a budget or adaptively, keeps the thinking out of the text and in the logged JSON', async () => {
    const { llm } = await host();
    const blocks: Block[] = [
      { type: 'thinking', thinking: 'Hmm, 2+2…', signature: 'c2lnbmF0dXJl' },
      { type: 'text', text: '4' },
    ];
    server.reply(message(blocks), message('ok'), message('ok'));
    const budget = (await llm.getModel('claude-sonnet-4-5')).prompt('2+2?', { options: { thinking_budget: 2048, max_tokens: 1000 } });
    expect(await budget.text()).toBe('4');
    expect(server.requests[0]!.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 2049 });
    expect(budget.responseJson).toMatchObject({ content: [{ type: 'thinking', thinking: 'Hmm, 2+2…', signature: 'c2lnbmF0dXJl' }, { type: 'text', text: '4' }] });

    await (await llm.getModel('claude-opus-4.6')).prompt('x', { options: { thinking: true, thinking_effort: 'low' } }).text();
    expect(server.requests[1]!.body).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } });
    await (await llm.getModel('claude-opus-4.5')).prompt('x', { options: { thinking_effort: 'high' } }).text();
    expect(server.requests[2]!.headers['anthropic-beta']).toBe('effort-2025-11-24');
    expect(server.requests[2]!.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'high' } });
  });

  it('checks options by the JSON Schema before any request', async () => {
    const { llm } = await host();
    const model = await llm.getModel('claude-haiku');
    const bad = await failure(model.prompt('x', { options: { temperature: 1.5 } }));
    expect(bad).toBeInstanceOf(OptionsError);
    expect(bad.message).toBe("Invalid options for model 'anthropic/claude-haiku-4-5-20251001': temperature must be <= 1 (got 1.5)");
    expect((await failure(model.prompt('x', { options: { thinking_budget: 10 } }))).message).toContain('thinking_budget must be >= 1024');
    expect((await failure(model.prompt('x', { options: { thinking_effort: 'max' } }))).message).toContain("unknown option 'thinking_effort'");
    const converted = await model.validateOptions({ max_tokens: '50', stop_sequences: '["a","b"]', cache: 'yes' }, { fromCli: true });
    expect(converted).toEqual({ max_tokens: 50, stop_sequences: ['a', 'b'], cache: true });
    expect(server.requests).toHaveLength(0);
  });
});

describe('--schema', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, pets: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' } } } } }, required: ['name'] };

  it('uses structured outputs where the model has them, with every object closed', async () => {
    const { llm } = await host();
    server.reply(message('{"name":"Ada","pets":[]}'));
    const response = (await llm.getModel('claude-sonnet-4.5')).prompt('Invent a person', { schema });
    expect(await response.json()).toEqual({ name: 'Ada', pets: [] });
    expect(server.requests[0]!.body.output_config).toEqual({
      format: {
        type: 'json_schema',
        schema: { ...schema, additionalProperties: false, properties: { ...schema.properties, pets: { type: 'array', items: { ...schema.properties.pets.items, additionalProperties: false } } } },
      },
    });
    expect(server.requests[0]!.body.tools).toBeUndefined();
  });

  for (const stream of [true, false]) {
    it(`makes other models call a tool whose input is the reply (${stream ? 'streamed' : 'whole'})`, async () => {
      const { llm } = await host();
      server.reply(message([{ type: 'tool_use', id: 'toolu_1', name: 'output_structured_data', input: { name: 'Grace', pets: [{ kind: 'cat' }] } }]));
      const response = (await llm.getModel('claude-haiku')).prompt('Invent a person', { schema, stream });
      expect(await response.json()).toEqual({ name: 'Grace', pets: [{ kind: 'cat' }] });
      expect(server.requests[0]!.body).toMatchObject({ tools: [{ name: 'output_structured_data', input_schema: schema }], tool_choice: { type: 'tool', name: 'output_structured_data' } });
    });
  }
});

describe('tools', () => {
  const weather = defineTool({
    name: 'weather',
    description: 'The weather in a city',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    implementation: ({ city }) => (city === 'Atlantis' ? Promise.reject(new Error('no such city')) : `Sunny in ${city}`),
  });

  /** The blocks of the last user message of a request. */
  const lastUser = (request: FakeRequest) => request.body.messages.at(-1).content as Record<string, unknown>[];

  for (const stream of [true, false]) {
    it(`runs a chain: tool_use blocks become calls, their results go back as tool_result blocks (${stream ? 'streamed' : 'whole'})`, async () => {
      const { llm, logged } = await host();
      server.handle((request) => {
        if (lastUser(request).some((block) => block.type === 'tool_result')) return message(`Done: ${lastUser(request).map((b) => b.content).join(' / ')}`);
        return message([
          { type: 'thinking', thinking: 'I should look both up', signature: 'sig1' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_a', name: 'weather', input: { city: 'Zürich' } },
          { type: 'tool_use', id: 'toolu_b', name: 'weather', input: { city: 'Atlantis' } },
        ]);
      });
      const chain = (await llm.getModel('claude-sonnet-4.5')).chain('Weather in Zürich and Atlantis?', { tools: [weather], stream, options: { thinking: true } });
      // The chain separates its replies with a new line.
      expect(await chain.text()).toBe('Checking.\nDone: Sunny in Zürich / Error: no such city');
      expect(await chain.toolCalls()).toEqual([
        { name: 'weather', arguments: { city: 'Zürich' }, toolCallId: 'toolu_a' },
        { name: 'weather', arguments: { city: 'Atlantis' }, toolCallId: 'toolu_b' },
      ]);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[0]!.body.tools).toEqual([{ name: 'weather', description: 'The weather in a city', input_schema: weather.inputSchema }]);
      expect(server.requests[1]!.body.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Zürich and Atlantis?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should look both up', signature: 'sig1' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_a', name: 'weather', input: { city: 'Zürich' } },
            { type: 'tool_use', id: 'toolu_b', name: 'weather', input: { city: 'Atlantis' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: 'Sunny in Zürich' },
            { type: 'tool_result', tool_use_id: 'toolu_b', content: 'Error: no such city', is_error: true },
          ],
        },
      ]);
      await chain.done();
      expect(logged).toHaveLength(2);
    });
  }

  it('refuses a schema and tools at once on a model that answers schemas with a tool', async () => {
    const { llm } = await host();
    const error = await failure((await llm.getModel('claude-haiku')).prompt('x', { tools: [weather], schema: { type: 'object' } }));
    expect(error.message).toBe('claude-haiku-4-5-20251001 answers a schema by calling a tool, so it cannot take a schema and tools at once. Use a model with structured outputs (e.g. claude-sonnet-4.5), or drop one of them.');
    expect(server.requests).toHaveLength(0);
  });
});

describe('attachments', () => {
  it('sends images and PDFs as image and document blocks before the text: bytes as base64, a URL as its URL', async () => {
    const { llm } = await host();
    const model = await llm.getModel('claude-sonnet-4.5');
    expect([...model.attachmentTypes].sort()).toEqual(['application/pdf', 'image/gif', 'image/jpeg', 'image/png', 'image/webp']);
    const image = Attachment.fromBytes(png());
    const attachments = [image, Attachment.fromUrl('https://example.com/cat.jpg', 'image/jpeg'), Attachment.fromBytes(pdf())];
    const conversation = model.conversation();
    await conversation.prompt('Describe these', { attachments }).text();
    expect(server.requests[0]!.body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png().toString('base64') } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf().toString('base64') } },
          { type: 'text', text: 'Describe these' },
        ],
      },
    ]);
    // The next turn sends them again, with the earlier turn; an image alone needs no text.
    await conversation.prompt('', { attachments: [image] }).text();
    const [first, reply, second] = server.requests[1]!.body.messages;
    expect(first).toEqual(server.requests[0]!.body.messages[0]);
    expect(reply).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'You said: Describe these' }] });
    expect(second).toEqual({ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png().toString('base64') } }] });
  });

  it('refuses a type the model does not take before any request', async () => {
    const { llm } = await host();
    const error = await failure((await llm.getModel('claude-haiku')).prompt('Transcribe', { attachments: [Attachment.fromBytes(wav())] }));
    expect(error.message).toMatch(/audio\/wav/);
    expect(error.message).toMatch(/image\/png/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('failures', () => {
  it('retries 429, 529 and 5xx after the retry-after the server asks for, and never shows the key', async () => {
    const { llm } = await host({ LLM_ANTHROPIC_MAX_ATTEMPTS: '4' });
    server.reply(
      apiError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '0' }),
      apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after-ms': '5' }),
      apiError(500, 'api_error', 'Internal server error'),
    );
    expect(await (await llm.getModel('claude-haiku')).prompt('hi').text()).toBe('You said: hi');
    expect(server.requests).toHaveLength(4);
  });

  it('gives up after the last attempt with one line that says what happened and what to do', async () => {
    const { llm } = await host({ LLM_ANTHROPIC_MAX_ATTEMPTS: '2' });
    server.handle(() => apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '0' }));
    const error = await failure((await llm.getModel('claude-haiku')).prompt('hi'));
    expect(error.message).toBe(`${server.baseUrl}/v1/messages is overloaded (529 Overloaded: Overloaded) (gave up after 2 attempts). Try again later.`);
    expect(server.requests).toHaveLength(2);
  });

  it('fails at once when the server asks to wait longer than the longest retry delay', async () => {
    const { llm } = await host({ LLM_ANTHROPIC_MAX_RETRY_DELAY: '1' });
    server.reply(apiError(429, 'rate_limit_error', 'Slow down', { 'retry-after': '120' }));
    const error = await failure((await llm.getModel('claude-haiku')).prompt('hi'));
    expect(error.message).toBe(
      `${server.baseUrl}/v1/messages is rate limiting requests (429 Too Many Requests: Slow down); the server asks to wait 120 s. Try again later, or raise LLM_ANTHROPIC_MAX_RETRY_DELAY (now 1 s) to wait that long.`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a rejected key or request; the messages name the fix and never the key', async () => {
    const { llm } = await host();
    server.reply(apiError(401, 'authentication_error', `invalid x-api-key ${KEY}`), apiError(400, 'invalid_request_error', 'messages.0.content: text content blocks must be non-empty'));
    const model = await llm.getModel('claude-haiku');
    const rejected = await failure(model.prompt('hi'));
    expect(rejected.message).toBe(
      `${server.baseUrl}/v1/messages rejected the API key (401 Unauthorized: invalid x-api-key [key]). Set a valid key with 'llm keys set anthropic' or the ANTHROPIC_API_KEY environment variable, or pass --key.`,
    );
    const invalid = await failure(model.prompt('hi'));
    expect(invalid.message).toBe(`${server.baseUrl}/v1/messages rejected the request (400 Bad Request: messages.0.content: text content blocks must be non-empty).`);
    expect(server.requests).toHaveLength(2);
  });

  it('retries an overloaded_error event or a cut stream before any text, but not after', async () => {
    const { llm } = await host();
    server.reply(
      { kind: 'events', events: [{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }] },
      message('never finished', { cutAfter: 3 }),
      message('third time lucky'),
    );
    const model = await llm.getModel('claude-haiku');
    expect(await model.prompt('hi').text()).toBe('third time lucky');
    expect(server.requests).toHaveLength(3);

    server.reply(message('one two three four', { cutAfter: 5 }));
    const cut = model.prompt('hi');
    const error = await failure(cut);
    expect(error.message).toMatch(new RegExp(`^The connection to ${server.baseUrl}/v1/messages closed before the reply was complete after \\d+ characters\\. Try again\\.$`));
    expect(cut.textSoFar).toBe('one two ');
    expect(server.requests).toHaveLength(4);
  });

  it('says when nothing listens at ANTHROPIC_BASE_URL, or it is not a URL, or the key is missing', async () => {
    const closed = await FakeAnthropicServer.start();
    const url = closed.baseUrl;
    await closed.close();
    const { llm } = await host({ ANTHROPIC_BASE_URL: url });
    expect((await failure((await llm.getModel('claude-haiku')).prompt('hi'))).message).toBe(`Could not connect to ${url}: connection refused. Is the server running, and is ANTHROPIC_BASE_URL right?`);
    const notUrl = await host({ ANTHROPIC_BASE_URL: 'api.anthropic.com' });
    expect((await failure((await notUrl.llm.getModel('claude-haiku')).prompt('hi'))).message).toBe(
      'ANTHROPIC_BASE_URL must be an http:// or https:// URL (got "api.anthropic.com"); use e.g. https://api.anthropic.com.',
    );
    const noKey = await host({ ANTHROPIC_API_KEY: '' });
    expect((await failure((await noKey.llm.getModel('claude-haiku')).prompt('hi'))).message).toMatch(/llm keys set anthropic.*ANTHROPIC_API_KEY/);
  });

  it('stops at once when the caller aborts', async () => {
    const { llm } = await host();
    server.reply(message('slow '.repeat(200).trim(), { slices: [1] }));
    const controller = new AbortController();
    const response = (await llm.getModel('claude-haiku')).prompt('hi', { signal: controller.signal });
    const iterator = response[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort(new Error('stopped by the test'));
    await expect(response.text()).rejects.toThrow('stopped by the test');
  });
});
