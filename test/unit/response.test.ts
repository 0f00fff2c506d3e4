import { createLlm, type Llm } from '../../src/host/llm.js';
import { Response } from '../../src/models/response.js';
import { ScriptedModel } from '../helpers/models.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('Response', () => {
  let dir: ReturnType<typeof tempDir>;
  let logged: { id: string; text: string; force: boolean; database?: string }[];
  let prepared: { force: boolean; database?: string; loggedBefore: number; calls: number }[];
  let llm: Llm;
  let model: ScriptedModel;

  beforeEach(async () => {
    dir = tempDir();
    logged = [];
    prepared = [];
    model = new ScriptedModel('scripted');
    llm = await createLlm({
      userDir: dir.path,
      env: {},
      defaultPlugins: false,
      loadInstalled: false,
      plugins: [
        {
          name: 'test-models',
          apply(hooks) {
            hooks.registerModels.tap('test-models', (register) => register(model));
            hooks.prepareLog.tapPromise('test-logger', async (context) => {
              prepared.push({ ...context, loggedBefore: logged.length, calls: model.calls.length });
            });
            hooks.logResponse.tapPromise('test-logger', async (response, context) => {
              logged.push({ id: response.id, text: await response.text(), ...context });
            });
          },
        },
      ],
    });
  });
  afterEach(() => dir.remove());

  it('runs nothing until read, then streams chunks and replays them', async () => {
    const response = (await llm.getModel('scripted')).prompt('hi');
    expect(model.calls).toHaveLength(0);
    const chunks: string[] = [];
    for await (const chunk of response) chunks.push(chunk);
    expect(chunks).toEqual(['Hello', ', ', 'world']);
    expect(await response.text()).toBe('Hello, world');
    const again: string[] = [];
    for await (const chunk of response) again.push(chunk);
    expect(again).toEqual(chunks);
    expect(model.calls).toHaveLength(1);
  });

  it('records id, time, duration, usage and validated options', async () => {
    const response = (await llm.getModel('scripted')).prompt('hello', { system: 'be nice', options: { level: 2 } });
    await response.text();
    expect(response.id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(response.datetimeUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    expect(await response.usage()).toEqual({ input: 5, output: 3 });
    expect(model.calls[0]!.prompt.system).toBe('be nice');
    expect(model.calls[0]!.prompt.options).toEqual({ level: 2 });
  });

  it('applies option defaults and rejects bad options before the model runs', async () => {
    const scripted = await llm.getModel('scripted');
    await scripted.prompt('x').text();
    expect(model.calls[0]!.prompt.options).toEqual({ level: 1 });
    await expect(scripted.prompt('x', { options: { level: 9 } }).text()).rejects.toThrow(/level must be <= 3/);
    expect(model.calls).toHaveLength(1);
  });

  it('calls logResponse once per finished response, unless told not to', async () => {
    const scripted = await llm.getModel('scripted');
    const first = scripted.prompt('one', { log: { force: true, database: '/tmp/x.db' } });
    await first.text();
    await first.text();
    await scripted.prompt('two', { log: false }).text();
    expect(logged).toEqual([{ id: first.id, text: 'Hello, world', force: true, database: '/tmp/x.db' }]);
    // prepareLog ran once, as the request went out (the model had been called), before logResponse.
    expect(prepared).toEqual([{ force: true, database: '/tmp/x.db', loggedBefore: 0, calls: 1 }]);
  });

  it('sends earlier turns in a conversation and counts them', async () => {
    const conversation = (await llm.getModel('scripted')).conversation();
    await conversation.prompt('first').text();
    const second = conversation.prompt('second');
    await second.text();
    expect(conversation.responses.map((r) => r.prompt.prompt)).toEqual(['first', 'second']);
    expect(model.calls[1]!.context.conversation).toBe(conversation);
    expect(model.calls.map((call) => call.earlierTurns)).toEqual([0, 1]);
    expect(second.conversation).toBe(conversation);
  });

  it('surfaces a failure to every reader and logs nothing', async () => {
    const failing = new ScriptedModel('failing', ['a', 'b', 'c'], { failAfter: 1 });
    const response = failing.prompt('x');
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of response) seen.push(chunk);
      })(),
    ).rejects.toThrow('stream cut');
    expect(seen).toEqual(['a']);
    expect(response.textSoFar).toBe('a');
    await expect(response.text()).rejects.toThrow('stream cut');
    expect(logged).toHaveLength(0);
  });

  it('parses JSON and validates it against the schema', async () => {
    const json = new ScriptedModel('json', ['{"name": "Pelly",', ' "age": "three"}']);
    await expect(json.prompt('x').json()).resolves.toEqual({ name: 'Pelly', age: 'three' });
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    await expect(json.prompt('x', { schema }).json()).rejects.toThrow("does not match the schema: /age must be integer (got \"three\")");
    const fenced = new ScriptedModel('fenced', ['```json\n{"ok": true}\n```']);
    await expect(fenced.prompt('x').json()).resolves.toEqual({ ok: true });
  });

  it('is aborted by its signal', async () => {
    const slow = new ScriptedModel('slow', ['a', 'b', 'c'], { delayMs: 200 });
    const controller = new AbortController();
    const response = slow.prompt('x', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(response.text()).rejects.toThrow(/abort/i);
  });

  it('can be restored from a log as a finished turn', async () => {
    const scripted = await llm.getModel('scripted');
    const conversation = scripted.conversation({ id: 'c1' });
    const { Prompt } = await import('../../src/models/prompt.js');
    const restored = Response.restore({ id: 'r1', prompt: new Prompt('earlier', scripted), text: 'earlier answer', conversation });
    conversation.responses.push(restored);
    expect(restored.isDone).toBe(true);
    expect(await restored.text()).toBe('earlier answer');
    await conversation.prompt('next').text();
    expect(model.calls[0]!.context.conversation!.responses[0]!.textSoFar).toBe('earlier answer');
    expect(logged.map((l) => l.id)).not.toContain('r1');
  });
});
