import { bot } from '../../../default-plugins/experiments/lib/bot.js';
import { prompt } from '../../../default-plugins/experiments/lib/prompt-function.js';
import { RunContext, withRunContext } from '../../../default-plugins/experiments/lib/run-context.js';
import { structuredBot } from '../../../default-plugins/experiments/lib/structured-bot.js';
import { StructuredOutputError } from '../../../src/structured/prompt-for-json.js';
import { FakeOpenAIServer, lastUserMessage, textReply } from '../../helpers/fake-openai-server.js';
import { openaiHost } from '../../helpers/openai-host.js';
import { tempDir } from '../../helpers/temp-dir.js';

const verdictSchema = {
  type: 'object',
  properties: { verdict: { enum: ['pass', 'fail'] }, reasons: { type: 'array', items: { type: 'string' } } },
  required: ['verdict', 'reasons'],
  additionalProperties: false,
} as const;

describe('bots against the fake OpenAI server', () => {
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

  it('a bot sends the system prompt, system and user messages, earlier turns and options', async () => {
    const { llm, logged } = await openaiHost(server, dir.path);
    const model = await llm.getModel('gpt-4o-mini');
    const writer = bot({ model, system: 'Be terse.', options: { temperature: 0.2 } });
    const tone = prompt('system', 'Write in a {{ tone }} tone.', { name: 'tone' });
    const ask = prompt('user', 'Describe {{ thing }}.', { name: 'ask' });
    server.reply(textReply('A bird with a pouch.'));
    const reply = writer(tone({ tone: 'dry' }), ask({ thing: 'a pelican' }));
    expect(await reply.text()).toBe('A bird with a pouch.');
    const response = await reply;
    expect(response.id).toMatch(/^[0-9a-z]{26}$/);
    expect(server.chatBodies[0]).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Be terse.\n\nWrite in a dry tone.' },
        { role: 'user', content: 'Describe a pelican.' },
      ],
    });
    await response.done();
    expect(logged.map((r) => r.id)).toEqual([response.id]);

    server.reply(textReply('Yes.'));
    await writer('Is it big?', { role: 'assistant', content: 'Quite.' }, 'Really?').text();
    expect(server.chatBodies[1].messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Is it big?' },
      { role: 'assistant', content: 'Quite.' },
      { role: 'user', content: 'Really?' },
    ]);
    expect(() => writer({ role: 'assistant', content: 'Hi' }, 'x')).not.toThrow();
    await expect(writer({ role: 'assistant', content: 'Hi' }).text()).rejects.toThrow('an assistant message must follow a user message');
    await expect(writer(42 as never).text()).rejects.toThrow(/a bot takes messages from prompt functions/);
  });

  it('a structured bot retries an invalid reply with the errors fed back, then returns valid, typed data', async () => {
    const { llm, logged } = await openaiHost(server, dir.path);
    const judge = structuredBot({ model: await llm.getModel('gpt-4o-mini'), system: 'You judge.', schema: verdictSchema });
    server.reply(textReply('{"verdict": "maybe", "reasons": []}'), textReply('{"verdict": "pass", "reasons": ["clear"]}'));
    const result = await judge.withResponses('Judge: the sky is blue.');
    const verdict: 'pass' | 'fail' = result.data.verdict;
    expect(verdict).toBe('pass');
    expect(result.data.reasons).toEqual(['clear']);
    expect(result.attempts).toBe(2);
    const [first, second] = server.chatBodies;
    // The model supports schemas: asked with response_format, then told what was wrong, in the same conversation.
    expect(first.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema: verdictSchema } });
    expect(first.messages).toEqual([
      { role: 'system', content: 'You judge.' },
      { role: 'user', content: 'Judge: the sky is blue.' },
    ]);
    expect(second.messages.slice(-2)).toEqual([
      { role: 'assistant', content: '{"verdict": "maybe", "reasons": []}' },
      { role: 'user', content: 'That reply was not valid: /verdict must be one of "pass", "fail" (got "maybe"). Reply again with only the corrected JSON.' },
    ]);
    await Promise.all(result.responses.map((r) => r.done()));
    expect(logged).toHaveLength(2);
  });

  it('a structured bot gives up after maxAttempts with the raw text and the problems', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const judge = structuredBot<{ verdict: string }>({ model: await llm.getModel('gpt-4o-mini'), schema: verdictSchema, maxAttempts: 2 });
    server.reply(textReply('not json at all'), textReply('{"verdict": "pass"}'));
    const error = (await judge('Judge this').catch((e: unknown) => e)) as StructuredOutputError;
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect(error.rawText).toBe('{"verdict": "pass"}');
    expect(error.problems).toEqual(["(root) is missing required property 'reasons'"]);
    expect(server.chatBodies).toHaveLength(2);
    expect(() => void structuredBot({ schema: verdictSchema, maxAttempts: 0 })).toThrow('structuredBot: maxAttempts must be a whole number of at least 1 (got 0)');
    expect(() => void structuredBot({ schema: 'nope' as never })).toThrow('structuredBot: schema must be a JSON Schema object');
  });

  it('in a run, a bot records the system prompt it sent, system messages from prompt functions included', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const run = new RunContext({ id: 'r2', index: 0, signal: new AbortController().signal, log: { batch: true }, getModel: (name) => llm.getModel(name) });
    const rules = prompt('system', 'Judge {{ what }} strictly.', { name: 'rules' });
    const judge = structuredBot({ name: 'judge', model: 'gpt-4o-mini', schema: verdictSchema });
    const writer = bot({ name: 'writer', model: 'gpt-4o-mini', system: 'Be terse.' });
    server.handle((request) => (request.body.response_format ? textReply('{"verdict":"pass","reasons":[]}') : textReply('Draft.')));
    await withRunContext(run, async () => {
      await judge(rules({ what: 'pitches' }), 'Judge this');
      await writer({ role: 'system', content: 'No emoji.' }, 'Write').text();
    });
    expect(run.bots.map((b) => [b.name, b.system])).toEqual([
      ['judge', 'Judge pitches strictly.'],
      ['writer', 'Be terse.\n\nNo emoji.'],
    ]);
  });

  it('in a run, bots resolve model names through the run, pass its signal and record themselves and every attempt', async () => {
    const { llm } = await openaiHost(server, dir.path);
    const controller = new AbortController();
    const run = new RunContext({ id: 'r1', index: 0, signal: controller.signal, log: { batch: true }, getModel: (name) => llm.getModel(name) });
    const writer = bot({ name: 'writer', model: '4o-mini', options: { temperature: 1 } });
    const judge = structuredBot({ name: 'judge', model: 'gpt-4o-mini', schema: verdictSchema });
    server.handle((request) =>
      request.body.response_format ? textReply(lastUserMessage(request).startsWith('That reply') ? '{"verdict":"fail","reasons":[]}' : '{}') : textReply('Draft.'),
    );
    await withRunContext(run, async () => {
      await writer('Write').text();
      await judge('Judge');
    });
    expect(run.bots).toEqual([
      { name: 'writer', model: 'gpt-4o-mini', system: undefined, options: { temperature: 1 }, kind: 'bot' },
      { name: 'judge', model: 'gpt-4o-mini', system: undefined, options: {}, kind: 'structured', schema: verdictSchema },
    ]);
    expect(run.responses.map((r) => r.source)).toEqual(['writer', 'judge', 'judge']);
    // A second, different bot under a taken name is recorded beside it.
    await withRunContext(run, () => bot({ name: 'writer', model: 'gpt-4o-mini' })('Again').text());
    expect(run.bots.map((b) => b.name)).toEqual(['writer', 'judge', 'writer#2']);
    server.handle(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
      return textReply('late');
    });
    const pending = withRunContext(run, () => writer('Slow').text());
    setTimeout(() => controller.abort(new Error('run cancelled')), 50);
    await expect(pending).rejects.toThrow();
  });
});

// Types only (checked by `npm run typecheck`): results typed from an inline schema, or by a type argument.
export async function typedResults(): Promise<void> {
  const inline = structuredBot({ schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false } });
  const data: { n: number } = await inline('x');
  const byArgument = structuredBot<{ verdict: 'pass' | 'fail' }>({ schema: verdictSchema });
  const verdict: 'pass' | 'fail' = (await byArgument('x')).verdict;
  void data;
  void verdict;
}
