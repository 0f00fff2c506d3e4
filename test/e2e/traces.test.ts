import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FakeOpenAIServer, lastUserMessage } from '../helpers/fake-openai-server.js';
import { cliEnv, collect, repoRoot, runCli } from '../helpers/run-cli.js';
import { jsonReply } from '../helpers/strategy-host.js';
import { tempDir } from '../helpers/temp-dir.js';

// A program using llm as a library records the trace of nested calls in logs.db; the built CLI
// reads it back with `llm traces list` and `llm traces show ID [--json]`.

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await FakeOpenAIServer.start();
  server.handle((request) => {
    const prompt = lastUserMessage(request);
    if (prompt.includes('`outline`')) return jsonReply({ result: ['Tram 28', 'Pastéis', 'Fado'] });
    if (prompt.includes('`title`')) return jsonReply({ result: 'Lisbon in a day' });
    return jsonReply({ result: null });
  });
  dir = tempDir('llm-traces-');
});
afterAll(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

const env = () => ({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test', LLM_OPENAI_RETRY_DELAY: '0.001' });
const run = (args: string[]) => runCli(args, dir.path, { env: env() });

async function planTrip(city: string): Promise<{ value: unknown; trace: { id: string; children: unknown[] } }> {
  const child = spawn(process.execPath, [join(repoRoot, 'test/fixtures/strategy/plan-trip.mjs'), city], {
    cwd: dir.path,
    env: cliEnv(dir.path, env()),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await collect(child);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as { value: unknown; trace: { id: string; children: unknown[] } };
}

describe('llm traces', () => {
  it('says there are none before any call', async () => {
    expect(await run(['traces'])).toMatchObject({ code: 0, stdout: `No traces in ${join(dir.path, 'logs.db')}\n` });
    expect(await run(['traces', 'show', '01abc'])).toMatchObject({ code: 1, stdout: '', stderr: `Error: No traces in ${join(dir.path, 'logs.db')}\n` });
  });

  it('reads back the tree of nested calls a program recorded, as JSON and as text', async () => {
    const first = await planTrip('Lisbon');
    expect(first.value).toEqual({ name: 'Lisbon in a day (long)', steps: ['Tram 28', 'Pastéis', 'Fado'] });
    const second = await planTrip('Porto');

    const list = await run(['traces', 'list', '--json']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const summaries = JSON.parse(list.stdout) as { id: string; name: string; calls: number; responses: number; ok: boolean; models: string[] }[];
    expect(summaries.map((s) => [s.id, s.name, s.calls, s.responses, s.ok, s.models])).toEqual([
      [second.trace.id, 'trip', 5, 2, true, ['gpt-4o-mini']],
      [first.trace.id, 'trip', 5, 2, true, ['gpt-4o-mini']],
    ]);
    const text = await run(['traces']);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^${second.trace.id}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ok +\\d+(\\.\\d+)? m?s  trip \\(span, 5 calls, 2 responses, gpt-4o-mini\\)$`));

    const shown = await run(['traces', 'show', first.trace.id, '--json']);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(shown.stdout)).toEqual(first.trace);
    expect(first.trace).toMatchObject({
      name: 'trip',
      kind: 'span',
      arguments: ['Lisbon'],
      children: [
        {
          name: 'planDay',
          kind: 'function',
          arguments: ['Lisbon'],
          hyperparameters: { detail: 'long' },
          children: [
            { name: 'outline', kind: 'llm', model: 'gpt-4o-mini', arguments: { city: 'Lisbon' }, result: ['Tram 28', 'Pastéis', 'Fado'], children: [] },
            { name: 'title', kind: 'llm', hyperparameters: { jsonIndent: 2, maxAttempts: 3 }, result: 'Lisbon in a day', children: [] },
            { name: 'polish', kind: 'span', children: [] },
          ],
        },
      ],
    });

    // The responses each call logged are in the log, by id.
    const logged = JSON.parse((await run(['logs', '-n', '0', '--json'])).stdout) as { id: string; prompt: string }[];
    const outline = (first.trace.children[0] as { children: { responses: string[] }[] }).children[0]!;
    expect(logged.find((r) => r.id === outline.responses[0])?.prompt).toContain('You are the function `outline`');

    // Newest by default; a call's id shows its subtree; a unique start of an id will do.
    expect(JSON.parse((await run(['traces', 'show', '--json'])).stdout)).toEqual(second.trace);
    const planDay = first.trace.children[0] as { id: string };
    // Ids made in the same millisecond share all but their last characters (monotonic ULIDs):
    // take the shortest start of the id that no other call's id shares.
    const ids = (node: { id: string; children?: unknown[] }): string[] => [node.id, ...(node.children ?? []).flatMap((child) => ids(child as { id: string }))];
    const others = [...ids(first.trace as { id: string }), ...ids(second.trace as { id: string })].filter((id) => id !== planDay.id);
    let length = 12;
    while (others.some((id) => id.startsWith(planDay.id.slice(0, length)))) length++;
    expect(JSON.parse((await run(['traces', 'show', planDay.id.slice(0, length), '--json'])).stdout)).toEqual(planDay);

    const tree = await run(['traces', 'show', first.trace.id]);
    expect(tree).toMatchObject({ code: 0, stderr: '' });
    const lines = tree.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^trip · span · \\d+(\\.\\d+)? m?s · ok  ${first.trace.id}$`));
    expect(tree.stdout).toMatch(/^└── planDay · function · .* · ok {2}[0-9a-z]{26}$/m);
    expect(tree.stdout).toMatch(/^ {4}├── outline · llm · gpt-4o-mini · .* · ok {2}[0-9a-z]{26}$/m);
    expect(lines).toContain('    │     result: ["Tram 28","Pastéis","Fado"]');
    expect(lines).toContain('    │ hyperparameters: detail="long"');
    expect(tree.stdout).toMatch(/^ {4}└── polish · span/m);
  });

  it('says which id it could not find', async () => {
    const missing = await run(['traces', 'show', 'zzzz']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(`Error: No trace or call with id 'zzzz' in ${join(dir.path, 'logs.db')}: 'llm traces list' lists them\n`);
    expect((await run(['traces', 'show', '0', '--json'])).stderr).toMatch(/^Error: '0' is the start of more than one trace id \(/);
  });

  it('has help with examples', async () => {
    const help = await run(['traces', 'show', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('llm traces show 01jx2k3m7q9v --json > trace.json');
    expect((await run(['--help'])).stdout).toMatch(/traces list/);
  });
});
