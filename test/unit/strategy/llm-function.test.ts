import { MissingKeyError } from '../../../src/errors.js';
import type { Llm } from '../../../src/host/llm.js';
import { Model, type ExecuteContext } from '../../../src/models/model.js';
import type { Prompt } from '../../../src/models/prompt.js';
import { ContractError } from '../../../src/strategy/contract.js';
import { withHyperparameters } from '../../../src/strategy/hyperparameters.js';
import { llmFunction, LlmFunctionError } from '../../../src/strategy/llm-function.js';
import { DEFAULT_LLM_FUNCTION_HYPERPARAMETERS } from '../../../src/strategy/prompt-template.js';
import { StructuredOutputError } from '../../../src/structured/prompt-for-json.js';
import { FakeOpenAIServer, textReply } from '../../helpers/fake-openai-server.js';
import { firstPrompt, jsonReply, strategyHost } from '../../helpers/strategy-host.js';
import { tempDir } from '../../helpers/temp-dir.js';

// llmFunction against the fake OpenAI server, over real HTTP, with the openai plugin.

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
let llm: Llm;
let model: Model;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir();
  ({ llm } = await strategyHost(server, dir.path));
  model = await llm.getModel('gpt-4o-mini');
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

interface Recipe {
  title: string;
  minutes: number;
  steps: string[];
}

const recipeSchema = {
  type: 'object',
  properties: { title: { type: 'string' }, minutes: { type: 'integer', minimum: 1 }, steps: { type: 'array', items: { type: 'string' } } },
  required: ['title', 'minutes', 'steps'],
  additionalProperties: false,
};

const suggestRecipe = (m: Model) =>
  llmFunction<{ ingredients: string[]; vegetarian?: boolean }, Recipe>({
    name: 'suggestRecipe',
    description: 'Suggest one recipe that uses the ingredients.',
    input: {
      type: 'object',
      properties: { ingredients: { type: 'array', items: { type: 'string' }, minItems: 1 }, vegetarian: { type: 'boolean' } },
      required: ['ingredients'],
      additionalProperties: false,
    },
    output: recipeSchema,
    model: m,
  });

describe('llmFunction', () => {
  it('returns typed data: the prompt carries the name, description, schemas and input; the reply is schema-constrained', async () => {
    const recipe = { title: 'Tomato soup', minutes: 30, steps: ['Chop', 'Simmer'] };
    server.reply(jsonReply(recipe));
    const result: Recipe = await suggestRecipe(model)({ ingredients: ['tomato', 'onion'] });
    expect(result).toEqual(recipe);

    expect(server.chatBodies).toHaveLength(1);
    const body = server.chatBodies[0];
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema: recipeSchema } });
    const prompt = firstPrompt(server.requests[0]!);
    expect(prompt).toContain('You are the function `suggestRecipe`: Suggest one recipe that uses the ingredients.');
    expect(prompt).toContain(`Output schema:\n${JSON.stringify(recipeSchema)}`);
    expect(prompt).toContain('"ingredients":{"type":"array"');
    expect(prompt).toContain('Input:\n{"ingredients":["tomato","onion"]}');
    expect(prompt).not.toContain('{{');
  });

  it('wraps an output that is not an object in { result } for the model, and unwraps it', async () => {
    const names = llmFunction<{ animal: string; count: number }, string[]>({
      name: 'petNames',
      description: 'Names for a pet.',
      input: { type: 'object', properties: { animal: { type: 'string' }, count: { type: 'integer' } }, required: ['animal', 'count'] },
      output: { type: 'array', items: { type: 'string' }, minItems: 1 },
      model,
    });
    server.reply(jsonReply({ result: ['Pelly', 'Gulliver'] }));
    expect(await names({ animal: 'pelican', count: 2 })).toEqual(['Pelly', 'Gulliver']);
    expect(server.chatBodies[0].response_format.json_schema.schema).toEqual({
      type: 'object',
      properties: { result: { type: 'array', items: { type: 'string' }, minItems: 1 } },
      required: ['result'],
      additionalProperties: false,
    });
  });

  it('feeds an invalid reply’s problems back in the same conversation and returns the valid retry', async () => {
    server.reply(textReply('Sure! {"title": "Soup"'), jsonReply({ title: 'Soup', minutes: 0, steps: [] }), jsonReply({ title: 'Soup', minutes: 20, steps: ['Boil'] }));
    const result = await suggestRecipe(model)({ ingredients: ['water'] });
    expect(result).toEqual({ title: 'Soup', minutes: 20, steps: ['Boil'] });
    expect(server.chatBodies).toHaveLength(3);
    const [, second, third] = server.chatBodies;
    expect(second.messages).toHaveLength(3); // prompt, invalid reply, the problems
    expect(second.messages[2].content).toMatch(/^That output is not valid: is not JSON \(.+\)\. Reply again with only the corrected JSON value\.$/);
    expect(third.messages[4].content).toBe('That output is not valid: /minutes must be >= 1 (got 0). Reply again with only the corrected JSON value.');
  });

  it('gives up after 3 attempts with an error carrying the raw reply and the problems', async () => {
    server.reply(jsonReply({ title: 1 }), jsonReply({ title: 2 }), jsonReply({ title: 'Soup', minutes: 'ten', steps: [] }));
    const error = (await suggestRecipe(model)({ ingredients: ['water'] }).catch((e: unknown) => e)) as LlmFunctionError;
    expect(error).toBeInstanceOf(LlmFunctionError);
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect(error.functionName).toBe('suggestRecipe');
    expect(error.attempts).toBe(3);
    expect(error.rawText).toBe('{"title":"Soup","minutes":"ten","steps":[]}');
    expect(error.problems).toEqual(['/minutes must be integer (got "ten")']);
    expect(error.message).toBe('suggestRecipe: gpt-4o-mini gave no valid JSON in 3 attempts; the last reply /minutes must be integer (got "ten")');
    expect(server.chatBodies).toHaveLength(3);
  });

  it('checks the arguments against the input schema before any request', async () => {
    const fn = suggestRecipe(model);
    await expect(fn({ ingredients: [] })).rejects.toThrow(new ContractError('The input of suggestRecipe does not match its input schema: /ingredients must NOT have fewer than 1 items (got [])'));
    await expect(fn({ ingredients: ['x'], spicy: true } as never)).rejects.toThrow("The input of suggestRecipe does not match its input schema: (root) has unexpected property 'spicy'");
    expect(server.requests).toHaveLength(0);
  });

  it('says which schema is not valid JSON Schema, and where, before any request', async () => {
    const bad = llmFunction({
      name: 'broken',
      description: 'Never runs.',
      input: { type: 'object', properties: { query: { type: 'text' } } },
      output: { type: 'string' },
      model,
    });
    const error = await bad({ query: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as Error).message).toMatch(/^The input schema of broken is not valid JSON Schema: \/properties\/query\/type must be equal to one of the allowed values/);
    const dangling = llmFunction({
      name: 'dangling',
      description: 'Never runs.',
      input: { type: 'object' },
      output: { type: 'array', items: { $ref: '#/$defs/Item' } },
      model,
    });
    await expect(dangling({})).rejects.toThrow(/^The output schema of dangling is not valid JSON Schema: can't resolve reference #\/\$defs\/Item/);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a spec without a name, description or schema when the function is made', () => {
    expect(() => llmFunction({ name: '', description: 'x', input: {}, output: {} })).toThrow(/needs a name/);
    expect(() => llmFunction({ name: 'f', description: ' ', input: {}, output: {} })).toThrow('llmFunction f needs a description: what it does, in words');
    expect(() => llmFunction({ name: 'f', description: 'd', input: {} } as never)).toThrow('llmFunction f needs an output schema (JSON Schema)');
  });

  it('gives the missing-key error before any request', async () => {
    const { llm: keyless } = await strategyHost(server, dir.path, { OPENAI_API_KEY: undefined });
    const fn = suggestRecipe(await keyless.getModel('gpt-4o-mini'));
    const error = await fn({ ingredients: ['x'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingKeyError);
    expect((error as Error).message).toBe(
      "No key found for model 'gpt-4o-mini': add one with 'llm keys set openai' or set the OPENAI_API_KEY environment variable, or pass --key.",
    );
    expect(server.requests).toHaveLength(0);
  });

  it('reuses a generic contract with different $defs', async () => {
    const pickBest = llmFunction<{ items: unknown[]; goal: string }, unknown>({
      name: 'pickBest',
      description: 'Pick the item that best serves the goal.',
      input: {
        type: 'object',
        properties: { items: { type: 'array', items: { $ref: '#/$defs/Item' } }, goal: { type: 'string' } },
        required: ['items', 'goal'],
      },
      output: { $ref: '#/$defs/Item' },
      defs: { Item: {} },
      model,
    });
    const pickBook = pickBest.withDefs<{ items: { title: string; pages: number }[]; goal: string }, { title: string; pages: number }>({
      Item: { type: 'object', properties: { title: { type: 'string' }, pages: { type: 'integer' } }, required: ['title', 'pages'] },
    });
    const pickColour = pickBest.withDefs<{ items: string[]; goal: string }, string>({ Item: { type: 'string', enum: ['red', 'green', 'blue'] } });

    server.reply(jsonReply({ result: { title: 'Short', pages: 'ninety' } }), jsonReply({ result: { title: 'Short', pages: 90 } }));
    const book = await pickBook({ items: [{ title: 'Short', pages: 90 }, { title: 'Long', pages: 900 }], goal: 'a quick read' });
    expect(book).toEqual({ title: 'Short', pages: 90 });
    expect(server.chatBodies[1].messages.at(-1).content).toContain('/result/pages must be integer (got "ninety")');
    expect(server.chatBodies[0].response_format.json_schema.schema).toEqual({
      type: 'object',
      properties: { result: { $ref: '#/$defs/Item' } },
      required: ['result'],
      additionalProperties: false,
      $defs: { Item: { type: 'object', properties: { title: { type: 'string' }, pages: { type: 'integer' } }, required: ['title', 'pages'] } },
    });

    server.reply(jsonReply({ result: 'blue' }));
    expect(await pickColour({ items: ['red', 'blue'], goal: 'calm' })).toBe('blue');
    await expect(pickColour({ items: ['purple'], goal: 'calm' })).rejects.toThrow('/items/0 must be one of "red", "green", "blue" (got "purple")');
  });

  it('shows examples in the reply’s form, and checks them against the contract', async () => {
    const double = llmFunction<{ n: number }, number>({
      name: 'double',
      description: 'Twice n.',
      input: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      output: { type: 'number' },
      examples: [{ input: { n: 2 }, output: 4 }],
      model,
    });
    server.reply(jsonReply({ result: 10 }));
    expect(await double({ n: 5 })).toBe(10);
    expect(firstPrompt(server.requests[0]!)).toContain('Examples:\nInput: {"n":2}\nOutput: {"result":4}');
    const wrong = llmFunction<unknown, unknown>({ ...double.spec, name: 'wrong', examples: [{ input: { n: 'two' }, output: 'four' }] });
    await expect(wrong({ n: 1 })).rejects.toThrow('Example 1 of wrong does not match the contract: input /n must be number (got "two"); output (root) must be number (got "four")');
  });

  it('asks a model without schema support by its prompt alone, and still validates the reply', async () => {
    class Canned extends Model {
      readonly id = 'canned';
      readonly prompts: string[] = [];
      constructor(private readonly replies: string[]) {
        super();
      }
      async *execute(prompt: Prompt, _context: ExecuteContext): AsyncIterable<string> {
        this.prompts.push(prompt.prompt);
        yield this.replies.shift() ?? '';
      }
    }
    const canned = new Canned(['```json\n{"result": "Pelly"}\n```']);
    const name = llmFunction<{ animal: string }, string>({ name: 'petName', description: 'A name.', input: { type: 'object' }, output: { type: 'string' }, model: canned });
    expect(await name({ animal: 'pelican' })).toBe('Pelly');
    expect(canned.prompts[0]).toMatch(/Reply with the output: one JSON value matching the output schema, and nothing else\.$/);
  });
});

describe('llmFunction hyperparameters', () => {
  const echoInput = llmFunction<{ word: string }, string>({
    name: 'shout',
    description: 'The word in capitals.',
    input: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
    output: { type: 'string' },
  });

  it('uses the template, retry wording, attempts and JSON indent from scopes; explicit values win', async () => {
    const shout = llmFunction({ ...echoInput.spec, model, hyperparameters: { jsonIndent: 2 } });
    expect(shout.defaults).toEqual({ ...DEFAULT_LLM_FUNCTION_HYPERPARAMETERS, jsonIndent: 2 });

    server.reply(jsonReply({ result: 'HI' }));
    await shout({ word: 'hi' });
    expect(firstPrompt(server.requests[0]!)).toContain('Input:\n{\n  "word": "hi"\n}');

    server.reply(jsonReply({ nope: 1 }), jsonReply({ result: 'HI' }));
    await withHyperparameters({ shout: { template: 'Capitalise: {{input}} ({{name}})', retryTemplate: 'Wrong: {{problems}}', jsonIndent: 0 } }, async () => {
      expect(await shout({ word: 'hi' })).toBe('HI');
    });
    expect(server.chatBodies[1].messages[0].content).toBe('Capitalise: {"word":"hi"} (shout)');
    expect(server.chatBodies[2].messages[2].content).toBe("Wrong: (root) is missing required property 'result'; (root) has unexpected property 'nope'");

    server.reply(jsonReply({ nope: 1 }));
    await withHyperparameters({ shout: { maxAttempts: 5 } }, async () => {
      await expect(shout.with({ maxAttempts: 1 })({ word: 'x' })).rejects.toThrow('gave no valid JSON in 1 attempt;');
    });
    expect(server.chatBodies).toHaveLength(4);
  });

  it('rejects hyperparameters that are not valid before any request', async () => {
    const shout = llmFunction({ ...echoInput.spec, model });
    await withHyperparameters({ shout: { maxAttempts: 0, temprature: 1 } }, async () => {
      await expect(shout({ word: 'x' })).rejects.toThrow(
        "The hyperparameters of shout are not valid: (root) has unexpected property 'temprature'; /maxAttempts must be >= 1 (got 0)",
      );
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('llmFunction with cache', () => {
  it('answers a call it made before from the log and sends nothing; another input, hyperparameter or option is sent again', async () => {
    let n = 0;
    server.handle(() => jsonReply({ result: `HI ${++n}` }));
    const shout = llmFunction<{ word: string }, string>({
      name: 'shout',
      description: 'The word in capitals.',
      input: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
      output: { type: 'string' },
      model,
      cache: true,
    });
    expect(await shout({ word: 'hi' })).toBe('HI 1');
    expect(await shout({ word: 'hi' })).toBe('HI 1');
    expect(server.chatBodies).toHaveLength(1);
    // A hyperparameter that leaves the request as it was (attempts) is the same request.
    expect(await shout.with({ maxAttempts: 1 })({ word: 'hi' })).toBe('HI 1');
    expect(server.chatBodies).toHaveLength(1);

    expect(await shout({ word: 'ho' })).toBe('HI 2');
    expect(await shout.with({ jsonIndent: 2 })({ word: 'hi' })).toBe('HI 3');
    const warmer = llmFunction<{ word: string }, string>({ ...shout.spec, options: { temperature: 0.5 } });
    expect(await warmer({ word: 'hi' })).toBe('HI 4');
    expect(server.chatBodies.map((body) => body.temperature)).toEqual([undefined, undefined, undefined, 0.5]);
    // Each of them is answered from the log in its turn.
    expect([await shout({ word: 'ho' }), await shout.with({ jsonIndent: 2 })({ word: 'hi' }), await warmer({ word: 'hi' })]).toEqual(['HI 2', 'HI 3', 'HI 4']);
    expect(server.chatBodies).toHaveLength(4);

    // Without cache (the default) the call is sent, as always.
    expect(await llmFunction<{ word: string }, string>({ ...shout.spec, cache: undefined })({ word: 'hi' })).toBe('HI 5');
    expect(server.chatBodies).toHaveLength(5);
  });
});
