import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { loadExperimentFile } from '../../../default-plugins/experiments/services/load-file.js';
import openaiPlugin from '../../../default-plugins/openai/index.js';
import { bot } from '../../../default-plugins/experiments/lib/bot.js';
import { collectBotModels } from '../../../default-plugins/experiments/lib/definitions.js';
import { experiment } from '../../../default-plugins/experiments/lib/experiment.js';
import { structuredBot } from '../../../default-plugins/experiments/lib/structured-bot.js';
import { createLlm } from '../../../src/host/llm.js';
import { Model } from '../../../src/models/model.js';
import { FakeOpenAIServer, lastUserMessage, textReply } from '../../helpers/fake-openai-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Preparing models: the runner loads what the first prompt needs before its clock starts, so the
// first wave of runs is timed like the rest.
describe('preparing the models an experiment uses', () => {
  let server: FakeOpenAIServer;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    server = await FakeOpenAIServer.start();
    server.handle((request) => textReply(`Reply to ${lastUserMessage(request)}`));
  });
  afterAll(() => server.close());
  beforeEach(() => (dir = tempDir('llm-prepare-')));
  afterEach(() => {
    expect(server.problems).toEqual([]);
    dir.remove();
  });

  const host = (env: Record<string, string> = {}) =>
    createLlm({
      userDir: dir.path,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseUrl, ...env },
      defaultPlugins: false,
      loadInstalled: false,
      plugins: [openaiPlugin],
      warn: () => {},
    });

  it('collects the models of the bots defined while a file loads, and only those', async () => {
    bot({ model: 'defined-before' });
    const { result, models } = await collectBotModels(async () => {
      bot({ model: 'gpt-4o-mini' });
      bot({});
      await Promise.resolve();
      structuredBot({ model: 'gpt-4.1', schema: { type: 'object' } });
      bot({ model: 'gpt-4o-mini' });
      return 42;
    });
    bot({ model: 'defined-after' });
    expect(result).toBe(42);
    expect(models).toEqual(['gpt-4o-mini', undefined, 'gpt-4.1']);
  });

  it('an experiment file reports the models its bots name', async () => {
    const path = join(dir.path, 'exp.ts');
    mkdirSync(dir.path, { recursive: true });
    writeFileSync(
      path,
      `import { bot, experiment } from 'llm-host/experiments';
const writer = bot({ name: 'writer', model: '4o-mini' });
export default experiment('e', async () => writer('hi').text());
`,
    );
    const loaded = await loadExperimentFile('exp.ts', dir.path);
    expect(loaded.models).toEqual(['4o-mini']);
  });

  it('prepares every named model before the first run starts; one that cannot be prepared is left to the runs', async () => {
    const llm = await host();
    const model = await llm.getModel('gpt-4o-mini');
    const prepare = jest.spyOn(model, 'prepare');
    let preparedWhenFirstRunStarted: number | undefined;
    const writer = bot({ model: 'gpt-4o-mini' });
    const exp = experiment(
      'prepared',
      async ({ index }) => {
        preparedWhenFirstRunStarted ??= prepare.mock.calls.length;
        return writer(`run ${index}`).text();
      },
      { executions: 3, concurrency: 2 },
    );
    const result = await exp.run({ llm, log: false, prepare: ['gpt-4o-mini', '4o-mini', 'no-such-model'] });
    expect(preparedWhenFirstRunStarted).toBe(1); // once, though named twice (by id and by alias)
    expect(result.ok).toBe(3);
    expect(result.errors).toEqual([]);
  });

  it('a model prepared with no key yet still prompts, and its first prompt works as usual', async () => {
    const llm = await host({ OPENAI_API_KEY: '' });
    const model = await llm.getModel('gpt-4o-mini');
    await expect(model.prepare()).resolves.toBeUndefined();
    await expect(model.prompt('hello', { key: 'sk-explicit', log: false }).text()).resolves.toBe('Reply to hello');
  });

  it("the base class prepares a plugin's model by compiling its options validator", async () => {
    class Plain extends Model {
      readonly id = 'plain';
      override readonly optionsSchema = { type: 'object', properties: { size: { type: 'integer' } }, additionalProperties: false };
      async *execute(): AsyncIterable<string> {
        yield 'ok';
      }
    }
    const plain = new Plain();
    await plain.prepare();
    await expect(plain.validateOptions({ size: 2 })).resolves.toEqual({ size: 2 });
    await expect(plain.validateOptions({ size: 'big' })).rejects.toThrow(/Invalid options for model 'plain'/);
  });
});
