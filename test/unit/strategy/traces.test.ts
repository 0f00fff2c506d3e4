import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listTraces, loadTrace } from '../../../default-plugins/traces/store.js';
import type { Llm } from '../../../src/host/llm.js';
import type { Model } from '../../../src/models/model.js';
import { trackHyperparameters, withHyperparameters } from '../../../src/strategy/hyperparameters.js';
import { llmFunction } from '../../../src/strategy/llm-function.js';
import { runTraced, trace } from '../../../src/strategy/trace.js';
import type { TraceRecord } from '../../../src/strategy/trace-record.js';
import { FakeOpenAIServer, lastUserMessage } from '../../helpers/fake-openai-server.js';
import { jsonReply, strategyHost } from '../../helpers/strategy-host.js';
import { availableEngineNames } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Traces of nested calls, written to a real logs.db by the traces plugin and read back.

const engines = await availableEngineNames();

/** Answers each LLM function by the name in its prompt. */
function answerByFunction(request: Parameters<Parameters<FakeOpenAIServer['handle']>[0]>[0]) {
  const prompt = lastUserMessage(request);
  if (prompt.includes('`outline`')) return jsonReply({ result: ['Arrive', 'Eat', 'Leave'] });
  if (prompt.includes('A title for the plan')) return jsonReply({ result: 'A day in Lisbon' });
  return jsonReply({ result: null });
}

function functions(model: Model) {
  const outline = llmFunction<{ city: string }, string[]>({
    name: 'outline',
    description: 'Three steps for a day in the city.',
    input: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    output: { type: 'array', items: { type: 'string' } },
    model,
  });
  const title = llmFunction<{ steps: string[] }, string>({
    name: 'title',
    description: 'A title for the plan.',
    input: { type: 'object', properties: { steps: { type: 'array' } }, required: ['steps'] },
    output: { type: 'string' },
    model,
  });
  const plan = trackHyperparameters(
    async function planDay(hp: { detail: string }, city: string) {
      const steps = await outline({ city });
      const [name] = await Promise.all([title({ steps }), trace('polish', async () => `${hp.detail} plan`)]);
      return { name, steps };
    },
    { detail: 'short' },
  );
  return { outline, title, plan };
}

/** The tree's shape: name, kind and children, for comparing trees. */
function shape(node: TraceRecord): unknown {
  return { name: node.name, kind: node.kind, children: node.children.map(shape) };
}

describe.each(engines)('traces on %s', (engine) => {
  let server: FakeOpenAIServer;
  let dir: ReturnType<typeof tempDir>;
  let llm: Llm;
  let recorded: TraceRecord[];
  let warnings: string[];
  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
    server.handle(answerByFunction);
    dir = tempDir();
    ({ llm, traces: recorded, warnings } = await strategyHost(server, dir.path, { LLM_SQLITE_ENGINE: engine }));
  });
  afterEach(async () => {
    expect(server.problems).toEqual([]);
    await server.close();
    dir.remove();
  });

  it('records the tree of nested calls and writes it to logs.db once, when the root finishes', async () => {
    const { plan } = functions(await llm.getModel('gpt-4o-mini'));
    const { value, node } = await runTraced('trip', () => withHyperparameters({ planDay: { detail: 'long' } }, () => plan('Lisbon')));
    expect(value).toEqual({ name: 'A day in Lisbon', steps: ['Arrive', 'Eat', 'Leave'] });
    expect(recorded).toHaveLength(1); // logged by the time the root call resolved

    const tree = node.toJSON();
    expect(shape(tree)).toEqual({
      name: 'trip',
      kind: 'span',
      children: [
        {
          name: 'planDay',
          kind: 'function',
          children: [
            { name: 'outline', kind: 'llm', children: [] },
            { name: 'title', kind: 'llm', children: [] },
            { name: 'polish', kind: 'span', children: [] },
          ],
        },
      ],
    });
    const [planDay] = tree.children;
    expect(planDay).toMatchObject({ arguments: ['Lisbon'], hyperparameters: { detail: 'long' }, result: value });
    const [outline] = planDay!.children;
    expect(outline).toMatchObject({
      model: 'gpt-4o-mini',
      arguments: { city: 'Lisbon' },
      result: ['Arrive', 'Eat', 'Leave'],
      hyperparameters: { maxAttempts: 3, jsonIndent: 0, template: expect.stringContaining('{{input}}') },
    });
    expect(outline!.responses).toHaveLength(1);
    for (const n of [tree, planDay!, outline!]) expect(Date.parse(n.end)).toBeGreaterThanOrEqual(Date.parse(n.start));

    const store = await llm.logStore();
    const stored = await store.read((db) => loadTrace(db, tree.id));
    expect(stored).toEqual(tree);
    expect(recorded[0]).toEqual(tree);
    // Each call's responses are the ones the logger logged.
    const logged = await store.read((db) => db.all<{ id: string; prompt: string }>('SELECT id, prompt FROM responses'));
    expect(logged!.map((r) => r.id).sort()).toEqual([...outline!.responses, ...planDay!.children[1]!.responses].sort());
    expect(logged!.find((r) => r.id === outline!.responses[0])!.prompt).toContain('You are the function `outline`');
    // A call's id shows its subtree; a unique prefix will do. Ids made in the same millisecond
    // share all but their last characters (monotonic ULIDs), so take the shortest unique one.
    const ids = (node: typeof tree): string[] => [node.id, ...node.children.flatMap(ids)];
    const others = ids(tree).filter((id) => id !== outline!.id);
    let length = 20;
    while (others.some((id) => id.startsWith(outline!.id.slice(0, length)))) length++;
    expect(await store.read((db) => loadTrace(db, outline!.id.slice(0, length)))).toEqual(outline);
    expect(await store.read((db) => listTraces(db, { count: 0 }))).toEqual([
      { id: tree.id, name: 'trip', kind: 'span', start: tree.start, durationMs: tree.durationMs, ok: true, calls: 5, responses: 2, models: ['gpt-4o-mini'] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('records a failed call with its error, raw reply and problems, and the calls before it', async () => {
    server.handle(() => jsonReply({ result: 42 }));
    const { outline } = functions(await llm.getModel('gpt-4o-mini'));
    const error = await trace('doomed', () => outline.with({ maxAttempts: 2 })({ city: 'Porto' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const [tree] = recorded;
    expect(tree).toMatchObject({ name: 'doomed', error: { name: 'LlmFunctionError' } });
    expect(tree!.children[0]).toMatchObject({
      name: 'outline',
      error: { name: 'LlmFunctionError', rawText: '{"result":42}', problems: ['/result must be array (got 42)'] },
      hyperparameters: { maxAttempts: 2 },
    });
    expect(tree!.children[0]!.responses).toHaveLength(2);
    expect(tree!.children[0]!.result).toBeUndefined();
    const store = await llm.logStore();
    expect(await store.read((db) => loadTrace(db, tree!.id))).toEqual(tree);
    expect((await store.read((db) => listTraces(db, { count: 5 })))![0]).toMatchObject({ ok: false, calls: 2, responses: 2 });
  });

  it('makes each root call its own trace, and keeps none when logging is off or the call says log: false', async () => {
    const model = await llm.getModel('gpt-4o-mini');
    const { title } = functions(model);
    await title({ steps: ['a'] });
    await title({ steps: ['b'] });
    expect(recorded.map((t) => t.name)).toEqual(['title', 'title']);
    const quiet = llmFunction({ ...title.spec, name: 'quiet', log: false });
    await quiet({ steps: ['c'] });
    expect(recorded).toHaveLength(2);
    writeFileSync(join(dir.path, 'logs-off'), '');
    await title({ steps: ['d'] });
    const store = await llm.logStore();
    expect((await store.read((db) => listTraces(db, { count: 0 })))!.map((t) => t.name)).toEqual(['title', 'title']);
    expect(recorded).toHaveLength(3); // the hook ran; the traces plugin kept nothing
  });
});
