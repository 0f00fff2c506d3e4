import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { float32View } from '../../src/embeddings/vector.js';
import { embeddingsReply, errorReply, FakeOpenAIServer, fakeVector } from '../helpers/fake-openai-server.js';
import { TEST_KEY } from '../helpers/openai-host.js';
import { runCli, type RunOptions } from '../helpers/run-cli.js';
import { availableEngineNames, availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// Embeddings through the built CLI as a user runs it: the offline model, and OpenAI's models
// against the fake server (/v1/embeddings), into a real embeddings.db.

const [engine] = await availableEngines(); // the one the CLI picks by default here
const engineNames = await availableEngineNames();

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  dir = tempDir('llm-e2e-embeddings-');
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

const env = (extra: Record<string, string | undefined> = {}) => ({ OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001', ...extra });
/** embed-multi's progress lines: they show once a run passes its first second, as on a loaded machine. */
const PROGRESS = /^Embedding: \d+(\/\d+)? items.*\n/gm;
/** Runs the CLI; stderr without progress lines (the progress test reads them itself). */
const run = async (args: string[], options: RunOptions = {}) => {
  const result = await runCli(args, dir.path, { ...options, env: env(options.env) });
  return { ...result, stderr: result.stderr.replace(PROGRESS, '') };
};
const file = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};
const expectOneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};
const stored = (path = join(dir.path, 'embeddings.db')) => {
  const db = openDatabase(engine!, path);
  try {
    return db.all<{ collection_id: number; id: string; embedding: Uint8Array; content: string | null; content_hash: Uint8Array; metadata: string | null; updated: number }>(
      'SELECT * FROM embeddings ORDER BY collection_id, id',
    );
  } finally {
    db.close();
  }
};
const similarIds = (stdout: string) => stdout.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);

const ANIMALS = `id,title,body
cat,The cat,A cat sat on the warm mat and purred
kitten,Kittens,A small kitten sleeps on a soft rug
dog,The dog,Dogs bark loudly at the mail carrier
market,Markets,Stock markets fell sharply as interest rates rose
bank,Banks,The central bank raised interest rates again
`;

describe('offline embeddings (no key)', () => {
  it.each(engineNames)('embed-multi a CSV, then similar finds the nearest items (%s)', async (name) => {
    const csv = file('animals.csv', ANIMALS);
    const engineEnv = { env: { LLM_SQLITE_ENGINE: name } };
    expect(await run(['embed-multi', 'animals', csv, '-m', 'offline', '--store'], engineEnv)).toMatchObject({ code: 0, stdout: '', stderr: '' });

    const cats = await run(['similar', 'animals', '-c', 'a cat on a mat', '-n', '2'], engineEnv);
    expect(cats).toMatchObject({ code: 0, stderr: '' });
    expect(similarIds(cats.stdout)[0]).toBe('cat');
    const first = JSON.parse(cats.stdout.split('\n')[0]!);
    expect(first).toEqual({ id: 'cat', score: expect.any(Number), content: 'The cat A cat sat on the warm mat and purred', metadata: null });
    const rates = await run(['similar', 'animals', '-c', 'interest rates', '-n', '2'], engineEnv);
    expect(similarIds(rates.stdout).sort()).toEqual(['bank', 'market']);
    expect(similarIds((await run(['similar', 'animals', '-c', 'sleeping kittens'], engineEnv)).stdout)[0]).toBe('kitten');

    const money = await run(['similar', 'animals', 'bank', '-n', '1'], engineEnv);
    expect(similarIds(money.stdout)).toEqual(['market']);

    const plain = await run(['similar', 'animals', '-c', 'barking dogs', '-n', '1', '--plain'], engineEnv);
    expect(plain.stdout).toMatch(/^dog \(0\.\d+\)\n\n {2}The dog Dogs bark loudly at the mail carrier\n\n$/);

    const list = await run(['collections', 'list'], engineEnv);
    expect(list.stdout).toBe('animals: hash-ngrams\n  5 embeddings\n');
    const json = JSON.parse((await run(['collections', '--json'], engineEnv)).stdout);
    expect(json).toEqual([{ name: 'animals', model: 'hash-ngrams', num_embeddings: 5 }]);
  });

  it('prints a unit vector as JSON, and the same float32 bytes as hex, base64 and blob', async () => {
    const json = await run(['embed', '-m', 'offline', '-c', 'Hello world']);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const vector = JSON.parse(json.stdout) as number[];
    expect(vector).toHaveLength(512);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
    const hex = (await run(['embed', '-m', 'offline', '-c', 'Hello world', '-f', 'hex'])).stdout.trim();
    expect(Array.from(float32View(Buffer.from(hex, 'hex')))).toEqual(vector);
    const base64 = (await run(['embed', '-m', 'offline', '-c', 'Hello world', '--format', 'base64'])).stdout.trim();
    expect(Buffer.from(base64, 'base64').toString('hex')).toBe(hex);
    const blob = await runCli(['embed', '-m', 'offline', '-c', 'Hello world', '-f', 'blob'], dir.path);
    expect(Buffer.from(blob.stdout, 'latin1').length).toBeGreaterThan(0);
    // Content from stdin and from -i FILE embeds the same.
    const piped = await run(['embed', '-m', 'offline'], { input: 'Hello world' });
    expect(piped).toMatchObject({ code: 0, stderr: '' });
    expect(piped.stdout).toBe(json.stdout);
    expect((await run(['embed', '-m', 'offline', '-i', file('hello.txt', 'Hello world')])).stdout).toBe(json.stdout);
  });

  it('reads TSV, JSON and JSON lines, --prefix and --prepend, stores metadata with llm embed', async () => {
    file('a.tsv', 'id\ttext\n1\tcats purr\n2\tdogs bark\n');
    file('b.json', JSON.stringify([{ id: 3, text: 'birds sing' }, { id: 4, text: 'fish swim', extra: 'quietly' }]));
    file('c.jsonl', '{"id": "5", "text": "cows moo"}\n\n{"id": "6", "text": "owls hoot"}\n');
    for (const name of ['a.tsv', 'b.json', 'c.jsonl']) {
      expect(await run(['embed-multi', 'mixed', name, '-m', 'offline', '--store', '--prefix', 'x/'], { cwd: dir.path })).toMatchObject({ code: 0, stderr: '' });
    }
    expect(await run(['embed-multi', 'mixed', '-', '--format', 'nl', '--prepend', 'about: '], { input: '{"id": "7", "text": "bees buzz"}\n' })).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await run(['embed', 'mixed', 'note', '-c', 'a note about cats', '--metadata', '{"source": "me"}', '--store'])).toMatchObject({ code: 0, stdout: '' });
    const rows = stored();
    expect(rows.map((r) => [r.id, r.content])).toEqual([
      ['7', null],
      ['note', 'a note about cats'],
      ['x/1', 'cats purr'],
      ['x/2', 'dogs bark'],
      ['x/3', 'birds sing'],
      ['x/4', 'fish swim quietly'],
      ['x/5', 'cows moo'],
      ['x/6', 'owls hoot'],
    ]);
    expect(rows.find((r) => r.id === 'note')!.metadata).toBe('{"source":"me"}');
    const cats = await run(['similar', 'mixed', '-c', 'cats', '--prefix', 'X/', '-n', '1']);
    expect(similarIds(cats.stdout)).toEqual(['x/1']);
    // The md5 of the content, as the Python llm keys it; updated in Unix seconds.
    const { createHash } = await import('node:crypto');
    expect(Buffer.from(rows.find((r) => r.id === 'x/2')!.content_hash).toString('hex')).toBe(createHash('md5').update('dogs bark').digest('hex'));
    expect(Math.abs(rows[0]!.updated - Date.now() / 1000)).toBeLessThan(600);
  });

  it('embeds --files by glob, and rows from --sql with --attach', async () => {
    mkdirSync(join(dir.path, 'docs', 'sub'), { recursive: true });
    file('docs/one.md', 'Install plugins with llm install');
    file('docs/sub/two.md', 'Embeddings live in embeddings.db');
    file('docs/skip.txt', 'not markdown');
    file('docs/latin.md', '');
    writeFileSync(join(dir.path, 'docs', 'latin.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
    expect(await run(['embed-multi', 'docs', '--files', 'docs', '**/*.md', '-m', 'offline', '--store'])).toMatchObject({ code: 0, stderr: '' });
    expect(stored().map((r) => [r.id, r.content])).toEqual([
      ['latin.md', 'café'],
      ['one.md', 'Install plugins with llm install'],
      ['sub/two.md', 'Embeddings live in embeddings.db'],
    ]);

    const blog = join(dir.path, 'blog.db');
    const db = openDatabase(engine!, blog);
    db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, body TEXT); INSERT INTO posts VALUES (1, 'Pelicans', 'Large water birds'), (2, 'Rates', NULL);");
    if (engine!.kind === 'image') writeFileSync(blog, (db as unknown as { export(): Uint8Array }).export());
    db.close();
    const sql = await run(['embed-multi', 'blog', '--attach', 'blog', blog, '--sql', 'select id, title, body from blog.posts', '-m', 'offline', '--store']);
    if (engine!.kind === 'image') {
      expect(sql.code).toBe(1);
      expectOneLine(sql.stderr);
    } else {
      expect(sql).toMatchObject({ code: 0, stderr: '' });
      expect(stored().filter((r) => r.collection_id === 2).map((r) => [r.id, r.content])).toEqual([
        ['1', 'Pelicans Large water birds'],
        ['2', 'Rates '],
      ]);
    }
  });

  it('lists embedding models, sets the default, deletes collections', async () => {
    const models = await run(['embed-models']);
    expect(models.stdout).toContain('Offline (hashed n-grams): hash-ngrams (aliases: offline)\n');
    expect(models.stdout).toContain('OpenAIEmbeddingModel: text-embedding-3-small (aliases: 3-small)\n');
    expect(models.stdout).toContain('OpenAIEmbeddingModel: text-embedding-3-large-256 (aliases: 3-large-256)');
    expect((await run(['embed-models', 'list', '-q', 'large', '-q', '1024'])).stdout).toBe('OpenAIEmbeddingModel: text-embedding-3-large-1024 (aliases: 3-large-1024)\n');
    expect(await run(['embed-models', 'default'])).toMatchObject({ code: 0, stdout: '', stderr: '<No default embedding model set>\n' });
    const noDefault = await run(['embed', '-c', 'hi']);
    expect(noDefault.code).toBe(1);
    expect(noDefault.stderr).toMatch(/no default is set: pass -m MODEL, or set a default with 'llm embed-models default MODEL'/);
    expect(await run(['embed-models', 'default', 'offline'])).toMatchObject({ code: 0 });
    expect((await run(['embed-models', 'default'])).stdout).toBe('hash-ngrams\n');
    expect((await run(['embed', 'notes', 'a', '-c', 'first note'])).code).toBe(0);
    // Another default later: the collection keeps its own model (no request to OpenAI).
    expect(await run(['embed-models', 'default', '3-small'])).toMatchObject({ code: 0 });
    expect(await run(['embed', 'notes', 'b', '-c', 'second note'])).toMatchObject({ code: 0, stderr: '' });
    expect(server.embeddingBodies).toEqual([]);
    expect(stored().map((r) => r.id)).toEqual(['a', 'b']);
    expect((await run(['collections', 'path'])).stdout).toBe(`${join(dir.path, 'embeddings.db')}\n`);
    expect((await run(['collections', 'delete', 'notes'])).code).toBe(0);
    expect(stored()).toEqual([]);
    const gone = await run(['collections', 'delete', 'notes']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/Collection 'notes' does not exist in .*embeddings.db; 'llm collections' lists/);
    expect(await run(['embed-models', 'default', '--remove-default'])).toMatchObject({ code: 0 });
    expect((await run(['embed-models', 'default'])).stderr).toBe('<No default embedding model set>\n');
  });

  it('refuses bad input with one line that says what to do, and leaves embeddings.db whole', async () => {
    expect((await run(['embed-multi', 'a', file('x.csv', 'id,text\n1,one\n'), '-m', 'offline'])).code).toBe(0);
    const before = stored();
    const cases: [string[], RegExp][] = [
      [['embed', '-m', 'nope', '-c', 'x'], /Unknown embedding model 'nope'.*llm embed-models/],
      [['embed', 'a', '-c', 'x'], /Give both a collection and an ID/],
      [['embed', '-m', 'offline', '-c', 'x', '--store'], /--store needs a collection/],
      [['embed', 'a', 'b', '-c', 'x', '--metadata', '[1]'], /--metadata must be a JSON object/],
      [['embed', 'a', 'b', '-c', 'x', '--metadata', '{bad'], /--metadata must be valid JSON/],
      [['embed', 'a', 'b', '-c', 'x', '-m', '3-small'], /Collection 'a' holds vectors of model 'hash-ngrams', not 'text-embedding-3-small'/],
      [['embed-multi', 'a', file('bad.json', '[1, 2]')], /bad.json, item 1 must be a JSON object/],
      [['embed-multi', 'a', file('broken.json', '[{"id": 1,')], /broken.json is not valid JSON/],
      [['embed-multi', 'a', 'missing.csv'], /cannot read missing.csv: no such file/],
      [['embed-multi', 'a'], /Give an input file \(or - for stdin\), --sql QUERY or --files DIR GLOB/],
      [['embed-multi', 'a', '--files', 'nowhere', '*.md'], /Invalid directory: nowhere/],
      [['embed-multi', 'a', '--files', 'docs'], /--files takes a key and a value, e.g. --files docs/],
      [['embed-multi', 'a', '--sql', 'select nonsense from nowhere'], /--sql failed: .*no such table: nowhere/],
      [['similar', 'nothing', '-c', 'x'], /Collection 'nothing' does not exist/],
      [['similar', 'a', 'no-such-id'], /ID 'no-such-id' not found in collection 'a'/],
      [['similar', 'a', '-c', ''], /Give content|No content provided/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect({ args, code: result.code }).toEqual({ args, code: expect.any(Number) });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expectOneLine(result.stderr);
    }
    expect(stored()).toEqual(before);
  });
});

describe('OpenAI embedding models against the fake server', () => {
  it('embeds in batches of --batch-size, stores vectors that read back bit-exact, and skips unchanged content', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `item-${i}`, text: `text number ${i}` })).join('\n');
    const input = file('items.jsonl', lines);
    const first = await run(['embed-multi', 'docs', input, '-m', '3-small', '--batch-size', '2']);
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(server.embeddingBodies).toEqual([
      { input: ['text number 0', 'text number 1'], model: 'text-embedding-3-small', encoding_format: 'float' },
      { input: ['text number 2', 'text number 3'], model: 'text-embedding-3-small', encoding_format: 'float' },
      { input: ['text number 4'], model: 'text-embedding-3-small', encoding_format: 'float' },
    ]);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    const rows = stored();
    expect(rows.map((r) => r.id)).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4']);
    for (const [i, row] of rows.entries()) {
      expect(Buffer.from(row.embedding)).toEqual(Buffer.from(new Float32Array(fakeVector(`text number ${i}`)).buffer));
      expect(row.content).toBeNull();
    }

    // Unchanged: no request at all. One changed item: one request with just it.
    expect(await run(['embed-multi', 'docs', input, '--batch-size', '2'])).toMatchObject({ code: 0, stderr: '' });
    expect(server.embeddingBodies).toHaveLength(3);
    writeFileSync(input, lines.replace('text number 3', 'text number three'));
    expect((await run(['embed-multi', 'docs', input])).code).toBe(0);
    expect(server.embeddingBodies.slice(3)).toEqual([{ input: ['text number three'], model: 'text-embedding-3-small', encoding_format: 'float' }]);

    // llm similar embeds the query through the collection's model, with no -m.
    const similar = await run(['similar', 'docs', '-c', 'text number 2', '-n', '1']);
    expect(JSON.parse(similar.stdout)).toMatchObject({ id: 'item-2', score: expect.closeTo(1, 6) });
    expect(server.embeddingBodies.at(-1)).toEqual({ input: ['text number 2'], model: 'text-embedding-3-small', encoding_format: 'float' });
  });

  it('shows progress on stderr, one line per batch, once a run passes its first second', async () => {
    // Each request takes 400 ms, so batches after the first second report (count, rate, ETA).
    server.handleEmbeddings(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return embeddingsReply(request);
    });
    const input = file('five.csv', `id,text\n${[1, 2, 3, 4, 5].map((i) => `${i},item ${i}`).join('\n')}\n`);
    const result = await runCli(['embed-multi', 'slow', input, '-m', '3-small', '--batch-size', '1'], dir.path, { env: env() });
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^Embedding: [1-5]\/5 items, \d+\.\d\/s, ETA \d+s$/);
    expect(lines.at(-1)).toMatch(/^Embedding: 5\/5 items/);
  });

  it('sends dimensions for the shortened variants, retries a 429, and never shows the key', async () => {
    server.reply(errorReply(429, 'Slow down'));
    const result = await run(['embed', '-m', '3-large-256', '-c', 'hello']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual(fakeVector('hello', 256));
    expect(server.embeddingBodies).toEqual([
      { input: ['hello'], model: 'text-embedding-3-large', dimensions: 256, encoding_format: 'float' },
      { input: ['hello'], model: 'text-embedding-3-large', dimensions: 256, encoding_format: 'float' },
    ]);

    server.reply(errorReply(401, `Incorrect API key provided: ${TEST_KEY}`));
    const denied = await run(['embed', '-m', '3-small', '-c', 'hello']);
    expect(denied.code).toBe(1);
    expectOneLine(denied.stderr);
    expect(denied.stderr).toMatch(/llm keys set openai/);
    expect(denied.stderr + denied.stdout).not.toContain(TEST_KEY);

    const noKey = await run(['embed', '-m', '3-small', '-c', 'hello'], { env: { OPENAI_API_KEY: undefined } });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/No key found for model 'text-embedding-3-small': add one with 'llm keys set openai' or set the OPENAI_API_KEY/);
  });

  it('adds OpenAI-compatible embedding models from extra-openai-models.yaml (embedding_model: true)', async () => {
    file(
      'extra-openai-models.yaml',
      `- model_id: local-embed\n  model_name: nomic-embed-text\n  api_base: ${server.baseUrl}\n  embedding_model: true\n  dimensions: 4\n  aliases: [nomic]\n- model_id: local-chat\n  api_base: ${server.baseUrl}\n`,
    );
    const models = await run(['embed-models', '-q', 'local']);
    expect(models.stdout).toBe('OpenAIEmbeddingModel: local-embed (aliases: nomic)\n');
    expect((await run(['models'])).stdout).toContain('local-chat');
    expect((await run(['models'])).stdout).not.toContain('local-embed');
    const result = await run(['embed', '-m', 'nomic', '-c', 'hi'], { env: { OPENAI_API_KEY: undefined } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual(fakeVector('hi', 4));
    expect(server.embeddingBodies).toEqual([{ input: ['hi'], model: 'nomic-embed-text', dimensions: 4, encoding_format: 'float' }]);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});
