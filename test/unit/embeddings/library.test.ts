import { join } from 'node:path';
import { createLlm, EmbeddingModel, type EmbedItem, type Llm } from '../../../src/index.js';
import { FakeOpenAIServer, fakeVector } from '../../helpers/fake-openai-server.js';
import { TEST_KEY } from '../../helpers/openai-host.js';
import { tempDir } from '../../helpers/temp-dir.js';

// The library API: embedding models and collections from a host with the default plugins, OpenAI's
// models against the fake server, and an embedding model a plugin defines.

/** A plugin's model: vectors of [length, vowels], two items a batch, counting its calls. */
class CountingModel extends EmbeddingModel {
  readonly id = 'counting';
  override readonly batchSize = 2;
  calls: string[][] = [];
  async embedBatch(items: readonly EmbedItem[]): Promise<number[][]> {
    this.calls.push(items.map(String));
    return items.map((item) => [String(item).length, (String(item).match(/[aeiou]/g) ?? []).length]);
  }
}

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
let llm: Llm;
let counting: CountingModel;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir('llm-embeddings-lib-');
  counting = new CountingModel();
  llm = await createLlm({
    userDir: dir.path,
    env: { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001' },
    loadInstalled: false,
    plugins: [{ name: 'counting', apply: (hooks) => hooks.registerEmbeddingModels.tap('counting', (register) => register(counting, { aliases: ['count'] })) }],
  });
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

describe('embedding models as a library', () => {
  it('embeds one text and many, in batches of the smaller of the option and the model limit', async () => {
    const model = await llm.getEmbeddingModel('3-small');
    expect(model.id).toBe('text-embedding-3-small');
    expect(await model.embed('hello')).toEqual(fakeVector('hello'));
    const texts = Array.from({ length: 250 }, (_, i) => `t${i}`);
    const vectors: number[][] = [];
    for await (const vector of model.embedMulti(texts)) vectors.push(vector);
    expect(vectors).toEqual(texts.map((t) => fakeVector(t)));
    expect(server.embeddingBodies.slice(1).map((b) => b.input.length)).toEqual([100, 100, 50]);

    const mine = await llm.getEmbeddingModel('count');
    const out: number[][] = [];
    for await (const vector of mine.embedMulti(['a', 'bb', 'ccc'], { batchSize: 10 })) out.push(vector);
    expect(out).toEqual([
      [1, 1],
      [2, 0],
      [3, 0],
    ]);
    expect(counting.calls).toEqual([['a', 'bb'], ['ccc']]);
  });

  it('suggests close names for an unknown model, and rejects a second model with a taken alias', async () => {
    await expect(llm.getEmbeddingModel('3-smal')).rejects.toThrow("Unknown embedding model '3-smal'. Did you mean '3-small'");
    const clash = await createLlm({
      userDir: dir.path,
      loadInstalled: false,
      plugins: [{ name: 'clash', apply: (hooks) => hooks.registerEmbeddingModels.tap('clash', (register) => register(new CountingModel(), { aliases: ['offline'] })) }],
    });
    await expect(clash.getEmbeddingModels()).rejects.toThrow(/alias 'offline' is registered by both plugin embeddings and plugin clash|alias 'offline' is registered by both plugin clash and plugin embeddings/);
  });
});

describe('collections as a library', () => {
  it('embeds, skips unchanged content, searches by content, id and prefix, counts and deletes', async () => {
    const collection = await llm.collection('docs', { model: 'count' });
    expect(collection.path).toBe(join(dir.path, 'embeddings.db'));
    const items = [
      { id: 'a/1', content: 'aaaa', metadata: { n: 1 } },
      { id: 'a/2', content: 'xyz' },
      { id: 'b/1', content: 'aeioux' },
    ];
    const batches: number[] = [];
    expect(await collection.embedMulti(items, { store: true, onBatch: ({ done }) => batches.push(done) })).toEqual({ embedded: 3, skipped: 0 });
    expect(batches).toEqual([2, 3]);
    expect(await collection.embedMulti(items)).toEqual({ embedded: 0, skipped: 3 });
    expect(counting.calls).toHaveLength(2);
    expect(await collection.count()).toBe(3);

    const found = await collection.similar('eeee', { number: 2 });
    expect(found).toEqual([
      { id: 'a/1', score: expect.closeTo(1, 10), content: 'aaaa', metadata: { n: 1 } },
      { id: 'b/1', score: expect.closeTo(11 / Math.sqrt(122), 10), content: 'aeioux', metadata: null },
    ]);
    expect((await collection.similarById('a/1', { prefix: 'b/' })).map((e) => e.id)).toEqual(['b/1']);
    await expect(collection.similarById('nope')).rejects.toThrow("ID 'nope' not found in collection 'docs'");

    const again = await llm.collection('docs', { create: false });
    expect([again.id, again.modelId]).toEqual([collection.id, 'counting']);
    await collection.delete();
    await expect(llm.collection('docs', { create: false })).rejects.toThrow(/Collection 'docs' does not exist/);
  });
});
