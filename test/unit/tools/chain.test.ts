import { createLlm } from '../../../src/host/llm.js';
import { ChainLimitError } from '../../../src/models/chain.js';
import { Model, type ExecuteContext } from '../../../src/models/model.js';
import type { Prompt } from '../../../src/models/prompt.js';
import { defineTool, Toolbox, type ToolCall } from '../../../src/models/tool.js';
import { CancelToolCall, toTools } from '../../../src/models/tool-runner.js';
import { llmFunction } from '../../../src/strategy/llm-function.js';
import { llmStrategy } from '../../../src/strategy/llm-strategy.js';
import { NotImplementedError } from '../../../src/strategy/not-implemented.js';
import { runTraced } from '../../../src/strategy/trace.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A model that calls the tools its script names, one reply after another, then answers. */
class ToolCallingModel extends Model {
  readonly id = 'tool-caller';
  override readonly supportsTools = true;
  readonly prompts: Prompt[] = [];
  constructor(private readonly script: readonly (readonly ToolCall[])[]) {
    super();
  }
  async *execute(prompt: Prompt, { response }: ExecuteContext): AsyncIterable<string> {
    this.prompts.push(prompt);
    const calls = this.script[this.prompts.length - 1];
    if (calls) for (const call of calls) response.addToolCall(call);
    else yield `answer after ${prompt.toolResults.map((r) => `${r.name}=${r.output}`).join(', ')}`;
  }
}

const add = defineTool({
  name: 'add',
  description: 'Add two numbers',
  inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  // The argument is typed from the schema: a and b are numbers.
  implementation: ({ a, b }) => a + b,
});

describe('model.chain()', () => {
  it('runs the calls, sends the results back, and streams the text of every reply', async () => {
    const model = new ToolCallingModel([[{ name: 'add', arguments: { a: 2, b: 3 }, toolCallId: 'c1' }]]);
    const chain = model.chain('sum?', { tools: [add] });
    const chunks: string[] = [];
    for await (const chunk of chain) chunks.push(chunk);
    expect(chunks.join('')).toBe('answer after add=5');
    const responses = await chain.responses();
    expect(responses).toHaveLength(2);
    expect(responses.every((r) => r.conversation === chain.conversation)).toBe(true);
    expect(await chain.toolCalls()).toEqual([{ name: 'add', arguments: { a: 2, b: 3 }, toolCallId: 'c1' }]);
    expect(await responses[0]!.toolCalls()).toHaveLength(1);
    expect(model.prompts[1]!.prompt).toBe('');
    expect(model.prompts[1]!.toolResults).toEqual([{ name: 'add', output: '5', toolCallId: 'c1', instance: undefined }]);
    expect(model.prompts[1]!.tools.map((t) => t.name)).toEqual(['add']);
  });

  it('runs the calls of one reply concurrently, results in the calls\' order', async () => {
    let started = 0;
    let release!: () => void;
    const bothStarted = new Promise<void>((resolve) => (release = resolve));
    const slow = defineTool({
      name: 'wait',
      inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      implementation: async ({ id }) => {
        if (++started === 2) release();
        await bothStarted; // resolves only if the two calls overlap
        return id;
      },
    });
    const model = new ToolCallingModel([[{ name: 'wait', arguments: { id: 'one' } }, { name: 'wait', arguments: { id: 'two' } }]]);
    expect(await model.chain('go', { tools: [slow] }).text()).toBe('answer after wait=one, wait=two');
  });

  it('turns invalid arguments, an unknown tool and a throwing tool into error results the model sees', async () => {
    const boom = defineTool({ name: 'boom', inputSchema: { type: 'object' }, implementation: () => { throw new Error('kaput'); } });
    const model = new ToolCallingModel([[{ name: 'add', arguments: { a: 'x', b: 1 } }, { name: 'nope', arguments: {} }, { name: 'boom', arguments: {} }]]);
    await model.chain('go', { tools: [add, boom] }).text();
    const outputs = model.prompts[1]!.toolResults.map((r) => [r.output, r.exception?.name]);
    expect(outputs).toEqual([
      ['Error: invalid arguments for add: /a must be number (got "x")', 'ToolCallError'],
      ['Error: tool "nope" does not exist', 'ToolCallError'],
      ['Error: kaput', 'Error'],
    ]);
  });

  it('stops at the chain limit; 0 means no limit', async () => {
    const forever = Array.from({ length: 7 }, (_, i) => [{ name: 'add', arguments: { a: i, b: 1 } }]);
    await expect(new ToolCallingModel(forever).chain('go', { tools: [add] }).text()).rejects.toThrow(ChainLimitError);
    await expect(new ToolCallingModel(forever).chain('go', { tools: [add], chainLimit: 3 }).text()).rejects.toThrow('after 3 replies');
    expect(await new ToolCallingModel(forever).chain('go', { tools: [add], chainLimit: 0 }).text()).toBe('answer after add=7');
  });

  it('calls beforeCall and afterCall; CancelToolCall skips a call and tells the model', async () => {
    const seen: string[] = [];
    const model = new ToolCallingModel([[{ name: 'add', arguments: { a: 1, b: 1 } }, { name: 'add', arguments: { a: 2, b: 2 } }]]);
    await model
      .chain('go', {
        tools: [add],
        beforeCall: (_tool, call) => {
          if ((call.arguments as { a: number }).a === 2) throw new CancelToolCall('not this one');
        },
        afterCall: (tool, call, result) => void seen.push(`${tool?.name}(${JSON.stringify(call.arguments)}) -> ${result.output}`),
      })
      .text();
    expect(seen.sort()).toEqual(['add({"a":1,"b":1}) -> 2', 'add({"a":2,"b":2}) -> Cancelled: not this one']);
  });

  it('stops at once when aborted while a tool runs', async () => {
    const controller = new AbortController();
    const hang = defineTool({ name: 'hang', inputSchema: { type: 'object' }, implementation: () => (controller.abort(new Error('Ctrl-C')), new Promise(() => {})) });
    const model = new ToolCallingModel([[{ name: 'hang', arguments: {} }]]);
    await expect(model.chain('go', { tools: [hang], signal: controller.signal }).text()).rejects.toThrow('Ctrl-C');
    expect(model.prompts).toHaveLength(1);
  });

  it('refuses tools for a model that does not support them', async () => {
    class Plain extends Model {
      readonly id = 'plain';
      async *execute(): AsyncIterable<string> {
        yield 'x';
      }
    }
    await expect(new Plain().chain('go', { tools: [add] }).text()).rejects.toThrow("Model 'plain' does not support tools");
  });

  it('records each tool call as a trace node of kind tool', async () => {
    const model = new ToolCallingModel([[{ name: 'add', arguments: { a: 4, b: 5 } }]]);
    const { node } = await runTraced('outer', () => model.chain('go', { tools: [add] }).text());
    expect(node.toJSON().children).toMatchObject([{ name: 'add', kind: 'tool', arguments: { a: 4, b: 5 }, result: '9' }]);
  });
});

class Memory extends Toolbox {
  static override readonly methods = {
    set: { description: 'Remember a value', inputSchema: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'string' } }, required: ['key', 'value'] } },
    get: { description: 'Recall a value', inputSchema: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] } },
  };
  private readonly values = new Map<string, string>();
  set({ key, value }: { key: string; value: string }): string {
    this.values.set(key, `${this.config.prefix ?? ''}${value}`);
    return 'ok';
  }
  get({ key }: { key: string }): string {
    return this.values.get(key) ?? '';
  }
}

describe('toolboxes and other tool-likes', () => {
  it('a Toolbox instance offers its methods as Name_method tools that share its state', async () => {
    const memory = new Memory({ prefix: '>' });
    const model = new ToolCallingModel([[{ name: 'Memory_set', arguments: { key: 'k', value: 'v' } }], [{ name: 'Memory_get', arguments: { key: 'k' } }]]);
    expect(await model.chain('go', { tools: [memory] }).text()).toBe('answer after Memory_get=>v');
    expect(model.prompts[2]!.toolResults[0]!.instance).toBe(memory);
  });

  it('an llmFunction is a tool whose schema is its input contract (a non-object input is wrapped)', () => {
    const summarize = llmFunction({ name: 'summarize text', description: 'Summarize', input: { type: 'string' }, output: { type: 'string' } });
    const [tool] = toTools([summarize]);
    expect(tool).toMatchObject({ name: 'summarize_text', description: 'Summarize', inputSchema: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] } });
    expect(() => toTools([add, add])).toThrow("two tools are named 'add'");
  });
});

/** Implements llmStrategy members: answers with the object the method was called on, from the prompt. */
class ThisReader extends Model {
  readonly id = 'this-reader';
  override readonly supportsSchema = true;
  async *execute(prompt: Prompt): AsyncIterable<string> {
    const self = /`this`\), as JSON:\n(.*)\n/.exec(prompt.prompt)?.[1];
    yield JSON.stringify({ result: self ? `${(JSON.parse(self) as { city: string }).city} sees ${(JSON.parse(/Input:\n(.*)\n/.exec(prompt.prompt)![1]!) as { day: string }).day}` : 'no this' });
  }
}

describe('llmStrategy members as tools', () => {
  class Forecaster {
    static contracts = {
      forecast: {
        description: 'The forecast for a day in this city',
        input: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
        output: { type: 'string' },
      },
    };
    constructor(readonly city: string) {}
    forecast(_day: string): Promise<string> {
      throw new NotImplementedError();
    }
  }
  llmStrategy(new ThisReader(), { log: false })(Forecaster);

  it('a bound instance method runs with its this: the model implementing it sees the object', async () => {
    const paris = new Forecaster('Paris');
    const [tool] = toTools([paris.forecast.bind(paris)]);
    expect(tool).toMatchObject({ name: 'forecast', description: 'The forecast for a day in this city', inputSchema: Forecaster.contracts.forecast.input });
    const model = new ToolCallingModel([[{ name: 'forecast', arguments: { day: 'Monday' }, toolCallId: 'f1' }]]);
    expect(await model.chain('weather?', { tools: [paris.forecast.bind(paris)] }).text()).toBe('answer after forecast=Paris sees Monday');
  });

  it('an unbound instance method is refused with the fix, instead of running without its object', () => {
    const paris = new Forecaster('Paris');
    expect(() => toTools([paris.forecast])).toThrow('forecast is a method of an llmStrategy class: pass it bound to its object, as obj.forecast.bind(obj)');
  });
});

describe('registerTools', () => {
  it('registers tools and toolboxes; -T resolves them (a toolbox with its JSON configuration); duplicates name both plugins', async () => {
    const dir = tempDir();
    try {
      const plugin = (name: string) => ({
        name,
        apply(hooks: import('../../../src/hooks.js').Hooks) {
          hooks.registerTools.tap(name, (register) => {
            register(add);
            register(Memory);
          });
        },
      });
      const llm = await createLlm({ userDir: dir.path, env: {}, defaultPlugins: false, loadInstalled: false, plugins: [plugin('maths')] });
      expect(llm.tools().list().map((e) => [e.name, e.kind, e.plugin])).toEqual([
        ['add', 'tool', 'maths'],
        ['Memory', 'toolbox', 'maths'],
      ]);
      const tools = llm.tools().resolve(['add', 'Memory({"prefix": "#"})']);
      expect(tools.map((t) => [t.name, t.plugin])).toEqual([
        ['add', 'maths'],
        ['Memory_set', 'maths'],
        ['Memory_get', 'maths'],
      ]);
      expect((tools[1]!.instance as Memory).config).toEqual({ prefix: '#' });
      expect(() => llm.tools().resolve(['Memory({prefix})'])).toThrow('the configuration is not valid JSON');
      expect(() => llm.tools().resolve(['ad'])).toThrow("Unknown tool 'ad'. Available: add, Memory");

      const twice = await createLlm({ userDir: dir.path, env: {}, defaultPlugins: false, loadInstalled: false, plugins: [plugin('maths'), plugin('more-maths')] });
      expect(() => twice.tools()).toThrow("tool 'add' is registered by both plugin maths and plugin more-maths");
    } finally {
      dir.remove();
    }
  });
});
