import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// embeddings.db between the Python llm and this one, both ways: the Python llm's published
// llm/embeddings_migrations.py (release 0.31) run by python3 with sqlite-utils (Debian's package,
// which .ci/run installs), through test/fixtures/python-llm-embeddings/python_llm_embeddings.py.

const SCRIPT = join(repoRoot, 'test', 'fixtures', 'python-llm-embeddings', 'python_llm_embeddings.py');
const MIRROR = '/work/.mirror/simonw+llm/repo';
const RELEASE_031 = '5ce40fd';

/** A python3 that has sqlite-utils (the system one: a pyenv shim may not). */
function findPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import sqlite_utils'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

/** The Python llm's embeddings migrations, as published in release 0.31. */
function migrationsSource(): string | undefined {
  if (!existsSync(MIRROR)) return undefined;
  const result = spawnSync('git', ['-C', MIRROR, 'show', `${RELEASE_031}:llm/embeddings_migrations.py`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : undefined;
}

const python = findPython();
const source = migrationsSource();
const missing = !python ? 'python3 with sqlite-utils (apt-get install sqlite-utils)' : !source ? `the Python llm's source at ${MIRROR}` : undefined;
if (missing) process.stderr.write(`embeddings-python.test.ts: skipped, needs ${missing}\n`);
const describeWithPython = missing ? describe.skip : describe;

let dir: ReturnType<typeof tempDir>;
let migrationsPy: string;
beforeEach(() => {
  dir = tempDir('llm-embeddings-python-');
  migrationsPy = join(dir.path, 'embeddings_migrations.py');
  if (source) writeFileSync(migrationsPy, source);
});
afterEach(() => dir.remove());

interface PythonRead {
  applied: string[];
  collections: { id: number; name: string; model: string }[];
  embeddings: { collection_id: number; id: string; vector: number[]; content: string | null; content_hash: string | null; metadata: unknown; updated: number }[];
}

const py = (db: string, action: 'migrate' | 'fixture' | 'read') => execFileSync(python!, [SCRIPT, migrationsPy, db, action], { encoding: 'utf8' });
/** Runs the CLI; stderr without embed-multi's progress lines (shown once a run passes a second). */
const run = async (args: string[]) => {
  const result = await runCli(args, dir.path);
  return { ...result, stderr: result.stderr.replace(/^Embedding: \d+(\/\d+)? items.*\n/gm, '') };
};
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describeWithPython('embeddings.db shared with the Python llm', () => {
  it('reads and extends an embeddings.db the Python llm made, which the Python llm then reads back', async () => {
    const db = join(dir.path, 'python.db');
    py(db, 'fixture');
    const similar = await run(['similar', 'python-notes', 'cats', '-d', db]);
    expect(similar).toMatchObject({ code: 0, stderr: '' });
    expect(similar.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      { id: 'stocks', score: expect.closeTo((0.05 - 0.05 + 0.0375 + 0.4) / (Math.sqrt(1.328125) * Math.sqrt(0.3)), 6), content: null, metadata: null },
      { id: 'dogs', score: expect.any(Number), content: 'Dogs bark loudly at night', metadata: null },
    ]);
    expect((await run(['collections', '-d', db])).stdout).toBe('python-notes: hash-ngrams\n  3 embeddings\n');

    writeFileSync(join(dir.path, 'more.csv'), 'id,text\nhello,Hello from llm-host\n');
    expect(await run(['embed-multi', 'js-notes', join(dir.path, 'more.csv'), '-d', db, '-m', 'offline', '--store'])).toMatchObject({ code: 0, stderr: '' });
    const back = JSON.parse(py(db, 'read')) as PythonRead;
    expect(back.applied).toEqual([]);
    expect(back.collections).toEqual([
      { id: 1, name: 'python-notes', model: 'hash-ngrams' },
      { id: 2, name: 'js-notes', model: 'hash-ngrams' },
    ]);
    const ours = back.embeddings.find((e) => e.collection_id === 2)!;
    const printed = JSON.parse((await run(['embed', '-m', 'offline', '-c', 'Hello from llm-host'])).stdout) as number[];
    expect(ours).toMatchObject({ id: 'hello', content: 'Hello from llm-host', content_hash: md5('Hello from llm-host'), metadata: null });
    expect(ours.vector).toEqual(printed);
  });

  it('makes an embeddings.db that passes the Python migrations (nothing left to apply) and reads back there bit-exact', async () => {
    writeFileSync(join(dir.path, 'notes.jsonl'), '{"id": "a", "text": "Pelicans are large water birds"}\n{"id": "b", "text": "Interest rates rose"}\n');
    expect(await run(['embed-multi', 'notes', join(dir.path, 'notes.jsonl'), '-m', 'offline', '--store'])).toMatchObject({ code: 0, stderr: '' });
    expect(await run(['embed', 'notes', 'c', '-c', 'A note', '--metadata', '{"source": "cli"}'])).toMatchObject({ code: 0, stderr: '' });
    const db = join(dir.path, 'embeddings.db');
    const back = JSON.parse(py(db, 'read')) as PythonRead;
    expect(back.applied).toEqual([]);
    expect(back.collections).toEqual([{ id: 1, name: 'notes', model: 'hash-ngrams' }]);
    expect(back.embeddings.map((e) => [e.id, e.content, e.content_hash, e.metadata])).toEqual([
      ['a', 'Pelicans are large water birds', md5('Pelicans are large water birds'), null],
      ['b', 'Interest rates rose', md5('Interest rates rose'), null],
      ['c', null, md5('A note'), { source: 'cli' }],
    ]);
    const printed = JSON.parse((await run(['embed', '-m', 'offline', '-c', 'Interest rates rose'])).stdout) as number[];
    expect(back.embeddings[1]!.vector).toEqual(printed);
  });
});
