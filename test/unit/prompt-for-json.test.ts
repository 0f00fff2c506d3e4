import { Model, type ExecuteContext } from '../../src/models/model.js';
import type { Prompt } from '../../src/models/prompt.js';
import { promptForJson, StructuredOutputError } from '../../src/structured/prompt-for-json.js';

/** Replies with the next scripted text each time, recording what it was sent. */
class QueueModel extends Model {
  readonly id = 'queue';
  readonly sent: { text: string; schema: unknown; system: string | undefined; turn: number }[] = [];
  override readonly supportsSchema: boolean;

  constructor(
    private readonly replies: string[],
    supportsSchema = false,
  ) {
    super();
    this.supportsSchema = supportsSchema;
  }

  async *execute(prompt: Prompt, { conversation }: ExecuteContext): AsyncIterable<string> {
    this.sent.push({ text: prompt.prompt, schema: prompt.schema, system: prompt.system, turn: (conversation?.responses.length ?? 0) + 1 });
    yield this.replies.shift() ?? '';
  }
}

const person = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
  required: ['name', 'age'],
  additionalProperties: false,
};

describe('promptForJson', () => {
  it('returns valid data at once, asking by instruction when the model has no schema support', async () => {
    const model = new QueueModel(['{"name": "Ada", "age": 36}']);
    const result = await promptForJson<{ name: string; age: number }>({ model, prompt: 'Invent a person', system: 'Be brief', schema: person });
    expect(result.data).toEqual({ name: 'Ada', age: 36 });
    expect(result.attempts).toBe(1);
    expect(model.sent[0]!.text).toContain('Invent a person\n\nReply with one JSON value and nothing else');
    expect(model.sent[0]!.text).toContain(JSON.stringify(person));
    expect(model.sent[0]!.schema).toBeUndefined();
    expect(model.sent[0]!.system).toBe('Be brief');
  });

  it('uses the model’s schema support when it has it', async () => {
    const model = new QueueModel(['```json\n{"name": "Ada", "age": 36}\n```'], true);
    await promptForJson({ model, prompt: 'Invent a person', schema: person });
    expect(model.sent[0]).toMatchObject({ text: 'Invent a person', schema: person });
  });

  it('feeds back what was wrong, in the same conversation, until a reply is valid', async () => {
    const model = new QueueModel(['Sure! Here it is: {name: Ada}', '{"name": "Ada", "age": "thirty-six"}', '{"name": "Ada", "age": 36}']);
    const result = await promptForJson({ model, prompt: 'Invent a person', system: 'Be brief', schema: person });
    expect(result.attempts).toBe(3);
    expect(result.responses).toHaveLength(3);
    expect(model.sent.map((s) => s.turn)).toEqual([1, 2, 3]);
    expect(model.sent[1]!.text).toMatch(/^That reply was not valid: is not JSON \(.*\)\. Reply again with only the corrected JSON\.$/);
    expect(model.sent[2]!.text).toBe('That reply was not valid: /age must be integer (got "thirty-six"). Reply again with only the corrected JSON.');
    expect(model.sent[1]!.system).toBeUndefined();
  });

  it('gives up after maxAttempts with the raw reply and the errors', async () => {
    const model = new QueueModel(['{"name": 1}', '{"name": 2}']);
    const error = await promptForJson({ model, prompt: 'x', schema: person, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StructuredOutputError);
    const failure = error as StructuredOutputError;
    expect(failure.rawText).toBe('{"name": 2}');
    expect(failure.attempts).toBe(2);
    expect(failure.problems).toEqual(["(root) is missing required property 'age'", '/name must be string (got 2)']);
    expect(failure.message).toBe("queue gave no valid JSON in 2 attempts; the last reply (root) is missing required property 'age'; /name must be string (got 2)");
  });

  it('adds no instruction when it is empty, and reports each response as it is made', async () => {
    const model = new QueueModel(['nope', '{"name": "Ada", "age": 36}']);
    const seen: string[] = [];
    const result = await promptForJson({ model, prompt: 'Reply with a person as JSON', schema: person, instruction: () => '', onResponse: (r) => seen.push(r.id) });
    expect(model.sent[0]!.text).toBe('Reply with a person as JSON');
    expect(seen).toEqual(result.responses.map((r) => r.id));
    expect(seen).toHaveLength(2);
  });

  it('rejects a schema that is not valid JSON Schema before asking anything', async () => {
    const model = new QueueModel(['{}']);
    await expect(promptForJson({ model, prompt: 'x', schema: { type: 'nonsense' } })).rejects.toThrow(/The output schema is not valid JSON Schema: .*type/);
    expect(model.sent).toHaveLength(0);
  });
});
