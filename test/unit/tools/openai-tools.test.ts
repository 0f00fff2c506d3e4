import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { buildRequestBody } from '../../../default-plugins/openai/request-body.js';
import { ToolCallAssembler, toToolCall } from '../../../default-plugins/openai/tool-calls.js';
import { EchoModel } from '../../../default-plugins/echo/echo-model.js';
import { Prompt } from '../../../src/models/prompt.js';
import { defineTool, Toolbox } from '../../../src/models/tool.js';
import { FakeOpenAIServer, textReply } from '../../helpers/fake-openai-server.js';
import { openaiHost } from '../../helpers/openai-host.js';
import { repoRoot } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { toolCallsReply } from '../../helpers/tool-replies.js';

// What the OpenAI plugin sends with tools, checked against OpenAI's published schema (the shared
// copy: ../shared/openai/chat-completions.schema.json, else the test fixture, which is the same file).

const shared = join(repoRoot, '..', 'shared', 'openai', 'chat-completions.schema.json');
const fixture = join(repoRoot, 'test', 'fixtures', 'openai', 'chat-completions.schema.json');
const schemaPath = (() => {
  try {
    readFileSync(shared);
    return shared;
  } catch {
    return fixture;
  }
})();

type Ajv2020 = typeof import('ajv/dist/2020.js').default;
const Ajv = ((Ajv2020Module as unknown as { default?: Ajv2020 }).default ?? Ajv2020Module) as Ajv2020;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(JSON.parse(readFileSync(schemaPath, 'utf8')), 'openai');
const validateRequest = ajv.getSchema('openai#/$defs/CreateChatCompletionRequest')!;

const weather = defineTool({
  name: 'weather',
  description: 'The weather in a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  implementation: ({ city }) => `Sunny in ${city}`,
});

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir();
});
afterEach(async () => {
  await server.close();
  dir.remove();
});

it('sends tools, tool_choice, the assistant tool calls and the tool messages, all valid against the schema', async () => {
  const { llm } = await openaiHost(server, dir.path);
  let round = 0;
  server.handle((request) =>
    ++round === 1
      ? toolCallsReply(request, [
          { id: 'call_a', name: 'weather', arguments: '{"city": "Paris"}' },
          { id: 'call_b', name: 'weather', arguments: '{"city": "Tromsø"}' },
        ])
      : textReply('Sunny in both.'),
  );
  const model = await llm.getModel('gpt-4o-mini');
  const chain = model.chain('Weather in Paris and Tromsø?', { tools: [weather], system: 'Be brief' });
  expect(await chain.text()).toBe('Sunny in both.');
  for (const body of server.chatBodies) {
    expect(validateRequest(body) ? [] : validateRequest.errors).toEqual([]);
  }
  const second = server.chatBodies[1];
  expect(second.messages).toEqual([
    { role: 'system', content: 'Be brief' },
    { role: 'user', content: 'Weather in Paris and Tromsø?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Tromsø"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_a', content: 'Sunny in Paris' },
    { role: 'tool', tool_call_id: 'call_b', content: 'Sunny in Tromsø' },
  ]);
  expect(second.tools).toEqual([
    { type: 'function', function: { name: 'weather', description: 'The weather in a city', parameters: weather.inputSchema } },
  ]);
  expect((await chain.responses())[0]!.responseJson).toMatchObject({ finish_reason: 'tool_calls', tool_calls: [{ id: 'call_a' }, { id: 'call_b' }] });
  expect(server.problems).toEqual([]);
});

it('builds valid bodies for a toolbox and for tool results without a prompt', () => {
  class Counter extends Toolbox {
    static override readonly methods = { increment: { description: 'Add one' } };
    count = 0;
    increment(): number {
      return ++this.count;
    }
  }
  const tools = new Counter().tools();
  const spec = { id: 'gpt-4o-mini' };
  const prompt = new Prompt('', new EchoModel(), { tools, toolResults: [{ name: 'Counter_increment', output: '1', toolCallId: 'x1' }] });
  const body = buildRequestBody(spec, prompt, undefined, true);
  expect(body.messages).toEqual([{ role: 'tool', tool_call_id: 'x1', content: '1' }]);
  expect((body.tools as { function: { name: string; parameters: object } }[])[0]!.function).toEqual({
    name: 'Counter_increment',
    description: 'Add one',
    parameters: { type: 'object', properties: {} },
  });
  expect(validateRequest(body) ? [] : validateRequest.errors).toEqual([]);
});

it('assembles streamed tool calls split over many chunks and interleaved by index', () => {
  const assembler = new ToolCallAssembler();
  assembler.add({ index: 1, id: 'b', type: 'function', function: { name: 'second', arguments: '' } });
  assembler.add({ index: 0, id: 'a', type: 'function', function: { name: 'first', arguments: '{"x"' } });
  assembler.add({ index: 1, function: { arguments: '{"y": ' } });
  assembler.add({ index: 0, function: { arguments: ': 1}' } });
  assembler.add({ index: 1, function: { arguments: '2}' } });
  expect(assembler.calls().map(toToolCall)).toEqual([
    { name: 'first', arguments: { x: 1 }, toolCallId: 'a' },
    { name: 'second', arguments: { y: 2 }, toolCallId: 'b' },
  ]);
  // Arguments that are not JSON are kept as sent: the schema check then tells the model.
  expect(toToolCall({ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }).arguments).toBe('{oops');
});
