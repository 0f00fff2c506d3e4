import { listTraces } from '../../default-plugins/traces/store.js';
import { getModel } from '../../src/library.js';
import { llmFunction } from '../../src/strategy/llm-function.js';
import { FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { TEST_KEY } from '../helpers/openai-host.js';
import { firstEngine, jsonReply } from '../helpers/strategy-host.js';
import { tempDir } from '../helpers/temp-dir.js';

// Without a model, or with a model's name, llmFunction uses the host behind getModel(), built
// from the environment with the default plugins from dist/, as a program using the library has it.

const VARIABLES = ['LLM_USER_PATH', 'OPENAI_BASE_URL', 'OPENAI_API_KEY', 'LLM_OPENAI_RETRY_DELAY', 'LLM_SQLITE_ENGINE', 'LLM_LOAD_PLUGINS', 'LLM_MODEL'];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir();
  Object.assign(process.env, {
    LLM_USER_PATH: dir.path,
    OPENAI_BASE_URL: server.baseUrl,
    OPENAI_API_KEY: TEST_KEY,
    LLM_OPENAI_RETRY_DELAY: '0.001',
    LLM_SQLITE_ENGINE: await firstEngine(),
    LLM_LOAD_PLUGINS: '',
  });
  delete process.env.LLM_MODEL;
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

const spec = {
  name: 'haiku',
  description: 'A haiku about the topic.',
  input: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
  output: { type: 'string' },
} as const;

it('uses the default model, or the model an id or alias names, and keeps the trace in the user’s logs.db', async () => {
  server.reply(jsonReply({ result: 'Old pond / a frog jumps in / splash' }), jsonReply({ result: 'Second' }));
  expect(await llmFunction<{ topic: string }, string>(spec)({ topic: 'frogs' })).toBe('Old pond / a frog jumps in / splash');
  expect(await llmFunction<{ topic: string }, string>({ ...spec, model: '4o' })({ topic: 'frogs' })).toBe('Second');
  expect(server.chatBodies.map((body) => body.model)).toEqual(['gpt-4o-mini', 'gpt-4o']);
  const llmModel = await getModel();
  expect(llmModel.id).toBe('gpt-4o-mini');
  await expect(llmFunction({ ...spec, model: 'no-such-model' })({ topic: 'x' })).rejects.toThrow(/^Unknown model 'no-such-model'/);

  // The shared host's log is the one in LLM_USER_PATH.
  const { createLlm } = await import('../../src/host/llm.js');
  const store = await (await createLlm({ userDir: dir.path })).logStore();
  expect(store.path).toBe(`${dir.path}/logs.db`);
  const traces = await store.read((db) => listTraces(db, { count: 0 }));
  expect(traces!.map((t) => [t.name, t.models])).toEqual([
    ['haiku', ['gpt-4o']],
    ['haiku', ['gpt-4o-mini']],
  ]);
});
