import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { exampleReply } from '../helpers/example-openai.js';
import { FakeOpenAIServer, textReply, type FakeRequest } from '../helpers/fake-openai-server.js';
import { collect, repoRoot, runCli, startCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// `llm experiments` through the built CLI, against the fake OpenAI server, with the example file
// the README shows. Persistence on every SQLite engine: test/unit/experiments/runner.test.ts.

const EXAMPLE = join(repoRoot, 'examples', 'experiments', 'pitch.ts');
const [engine] = await availableEngines(); // the one the CLI picks by default here

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
let inFlight = 0;
let peak = 0;
let pitchReply: (request: FakeRequest) => ReturnType<typeof exampleReply> = exampleReply;

beforeAll(async () => {
  server = await FakeOpenAIServer.start();
  server.handle(async (request) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 15));
    inFlight--;
    return pitchReply(request);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = tempDir('llm-experiments-');
  peak = 0;
  pitchReply = exampleReply;
});
afterEach(() => {
  expect(server.problems).toEqual([]);
  dir.remove();
});

const env = (extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001', ...extra });
const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, dir.path, { env: env(extra) });
const query = <T extends object>(sql: string, params: string[] = []): T[] => {
  const db = openDatabase(engine!, join(dir.path, 'logs.db'));
  try {
    return db.all<T>(sql, params);
  } finally {
    db.close();
  }
};
const file = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};

describe('llm experiments run', () => {
  it('runs the example at concurrency 4: one line per run, a summary, and 10 runs in logs.db with metrics and linked responses', async () => {
    const result = await run(['experiments', 'run', EXAMPLE, '--name', 'pitch', '--executions', '10', '--concurrency', '4']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    const runLines = lines.filter((line) => line.startsWith('['));
    expect(runLines).toHaveLength(10);
    for (const [i, line] of runLines.entries()) {
      expect(line).toMatch(new RegExp(`^\\[${i + 1}/10\\] #\\d ok [\\d.]+ m?s \\(pipeline [\\d.]+ m?s\\) words=\\d+ names-product=true no-exclamation=true persuasive=[345]$`));
    }
    expect(lines[10]).toMatch(/^pitch \([0-9a-z]{26}\): completed, 10 of 10 runs, 10 ok, 0 failed, in [\d.]+ (ms|s)$/);
    expect(result.stdout).toMatch(/ {2}metric +n +mean +sd +min +max +95% CI +errors\n {2}words +10 +[\d.]+ +[\d.]+ +\d+ +\d+ +\[[\d.]+, [\d.]+\]\n/);
    expect(result.stdout).toMatch(/ {2}names-product +10 +100\.0% +- +true +true +\[72\.2%, 100\.0%\]\n/);
    expect(result.stdout).toContain(`Logged to ${join(dir.path, 'logs.db')}; see it with: llm experiments show `);
    // Two requests per run (the pitch, then the judge), never more than 4 runs at once.
    expect(server.chatBodies.length).toBe(20);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThanOrEqual(2);

    const [experiment] = query<{ id: string; name: string; status: string; file: string; info: string }>('SELECT * FROM experiments');
    expect(experiment).toMatchObject({ name: 'pitch', status: 'completed', file: EXAMPLE, info: '{"hypothesis":"a concrete system prompt keeps pitches under 60 words"}' });
    const runs = query<{ id: string; status: string; input: string }>('SELECT id, status, input FROM experiment_runs ORDER BY run_index');
    expect(runs).toHaveLength(10);
    expect(runs.every((r) => r.status === 'ok')).toBe(true);
    expect(JSON.parse(runs[1]!.input)).toMatchObject({ name: 'Quietdesk' });
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_metric_values WHERE value IS NOT NULL')[0]!.n).toBe(40);
    const links = query<{ source: string; model: string; prompt: string }>(
      'SELECT l.source, r.model, r.prompt FROM experiment_run_responses l JOIN responses r ON r.id = l.response_id WHERE l.run_id = ? ORDER BY l.position',
      [runs[1]!.id],
    );
    expect(links.map((l) => l.source)).toEqual(['writer', 'metric:persuasive']);
    expect(links[0]!.prompt).toContain('Write a pitch for Quietdesk');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_run_responses')[0]!.n).toBe(20);
  });

  it('prints the summary as JSON with --json, and nothing else', async () => {
    const result = await run(['experiments', 'run', EXAMPLE, '--name', 'tagline', '-n', '4', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { name: string; ok: number; metrics: { name: string; n: number; mean: number; ci: unknown; better: string; kind: string }[] };
    expect(summary).toMatchObject({ name: 'tagline', status: 'completed', executions: 4, ok: 4, failed: 0 });
    expect(summary.metrics.map((m) => [m.name, m.n, m.better, m.kind])).toEqual([
      ['tagline-words', 4, 'lower', 'integer'],
      ['playful', 4, 'higher', 'boolean'],
    ]);
    // The structured bot's requests asked for the schema.
    expect(server.chatBodies.at(-1).response_format.type).toBe('json_schema');
  });

  it('runs every experiment a file exports, in order', async () => {
    const result = await run(['experiments', 'run', EXAMPLE, '-n', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pitch \([0-9a-z]{26}\): completed, 2 of 2 runs[\s\S]*tagline \([0-9a-z]{26}\): completed, 2 of 2 runs/);
  });

  it('logs a pipeline that never resolves as timed out, and a failing one, and exits 0', async () => {
    const path = file(
      'rough.mjs',
      `import { experiment } from 'llm-host/experiments';
export default experiment('rough', ({ index }) => {
  if (index === 0) return new Promise(() => {});
  if (index === 1) throw new Error('no data for run 1');
  return 'fine';
}, { executions: 3, concurrency: 3 });
`,
    );
    const result = await run(['experiments', 'run', path, '--timeout', '0.2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/#0 error [\d.]+ m?s: timed out after 0\.2 s\n/);
    expect(result.stdout).toMatch(/#1 error [\d.]+ m?s: no data for run 1\n/);
    expect(result.stdout).toMatch(/rough \([0-9a-z]{26}\): completed, 3 of 3 runs, 1 ok, 2 failed/);
    expect(query<{ error: string }>('SELECT error FROM experiment_runs WHERE run_index = 0')[0]!.error).toBe('timed out after 0.2 s');
  });

  it('exits 1 when every run failed', async () => {
    const path = file('fails.mjs', "import { experiment } from 'llm-host/experiments';\nexport default experiment('fails', () => { throw new Error('always'); }, { executions: 2 });\n");
    const result = await run(['experiments', 'run', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Error: Every run of experiment 'fails' failed; the first error: always\n");
  });

  it.each([
    [['experiments', 'run', 'missing.ts'], 2, /^Error: No experiment file at .*missing\.ts: check the path\.\n$/],
    [['experiments', 'run', 'bad.ts'], 1, /^Error: bad\.ts:\d+:\d+: .+ \(the file does not compile\)\n$/],
    [['experiments', 'run', 'none.mjs'], 1, /^Error: none\.mjs exports no experiment: export one made with experiment\(name, pipeline, options\) from 'llm-host\/experiments' \(it exports answer\)\.\n$/],
    [['experiments', 'run', 'ok.mjs', '--executions', '0'], 2, /^Error: --executions must be a whole number of at least 1 \(got 0\)\.\n$/],
    [['experiments', 'run', 'ok.mjs', '--concurrency', '-1'], 2, /^Error: --concurrency must be a whole number of at least 1 \(got -1\)\.\n$/],
    [['experiments', 'run', 'ok.mjs', '--timeout', 'soon'], 2, /^Error: --timeout must be a positive number of seconds \(got NaN\)\.\n$/],
    [['experiments', 'run', 'ok.mjs', '--name', 'other'], 2, /^Error: ok\.mjs has no experiment named 'other' \(it has 'ok'\)\.\n$/],
    [['experiments', 'run', 'ok.mjs', '-d', '/nonexistent-dir/x.db'], 1, /^Error: [^\n]*\/nonexistent-dir\/x\.db[^\n]*directory[^\n]*does not exist\n$/],
    [['experiments', 'run', 'ok.mjs', '--baseline', 'nope'], 2, /^Error: --baseline nope: No experiments logged yet \(there is no log at .*logs\.db\): run one with 'llm experiments run FILE'\.\n$/],
    [['experiments', 'run', 'nonscalar.mjs'], 0, /^$/],
  ])('bad input: llm %j exits %d with one line', async (args, code, stderr) => {
    file('bad.ts', "import { experiment } from 'llm-host/experiments';\nexport default experiment('bad', () => {;\n");
    file('none.mjs', 'export const answer = 42;\n');
    file('ok.mjs', "import { experiment } from 'llm-host/experiments';\nexport default experiment('ok', () => 'x', { executions: 1 });\n");
    file('nonscalar.mjs', "import { experiment, metric } from 'llm-host/experiments';\nexport default experiment('ns', () => 'x', { executions: 2, metrics: [metric('mood', () => 'happy')] });\n");
    const result = await run(args);
    expect(result.stderr).toMatch(stderr);
    expect(result.code).toBe(code);
    if (args[2] === 'nonscalar.mjs') {
      expect(result.stdout).toContain(`mood=error`);
      expect(result.stdout).toContain(`#0: metric 'mood' returned a string ("happy"): a metric must return a finite number or a boolean`);
    }
  });

  it('Ctrl-C stops starting runs, lets running ones finish, keeps them, and exits 130', async () => {
    // Runs 0-2 finish at once; from run 3 on, each waits for a file the test creates once the
    // CLI has taken the Ctrl-C: runs 3 and 4 are running then, and no other may start.
    const release = join(dir.path, 'release');
    const path = file(
      'slow.mjs',
      `import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { bot, experiment } from 'llm-host/experiments';
const echo = bot({ model: 'echo' });
export default experiment('slow', async ({ index }) => {
  if (index >= 3) writeFileSync(${JSON.stringify(release)} + '-started-' + index, '');
  while (index >= 3 && !existsSync(${JSON.stringify(release)})) await sleep(10);
  return echo('run ' + index).text();
}, { executions: 200, concurrency: 2 });
`,
    );
    const child = startCli(['experiments', 'run', path], dir.path, { env: env() });
    // Ctrl-C once runs 0-2 are printed and runs 3 and 4 have both started (each marks its start),
    // so exactly those two are running when the CLI takes it.
    let printed = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += (chunk.toString().match(/^\[/gm) ?? []).length;
    });
    const poll = setInterval(() => {
      if (printed >= 3 && existsSync(`${release}-started-4`) && !child.killed) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 10);
    child.on('exit', () => clearInterval(poll));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer | string) => {
      stderr += chunk.toString();
      if (stderr.includes('Stopping:')) writeFileSync(release, '');
    });
    const result = await collect(child);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Stopping: no new runs start; running ones get 5 s to finish (Ctrl-C again cancels them).');
    const finished = result.stdout.split('\n').filter((line) => line.startsWith('['));
    expect(finished).toHaveLength(5);
    expect(result.stderr).toContain(`Interrupted: ${finished.length} finished runs logged.`);
    expect(result.stdout).toMatch(/slow \([0-9a-z]{26}\): interrupted, \d+ of 200 runs/);
    expect(query<{ status: string }>('SELECT status FROM experiments')[0]!.status).toBe('interrupted');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM experiment_runs')[0]!.n).toBe(finished.length);
  });
});

describe('continuing a conversation after an experiment', () => {
  it('llm -c, llm logs -c and llm chat -c pick the newest conversation a person had, never the judge\'s', async () => {
    const start = server.chatBodies.length; // one server for the whole file
    expect(await run(['-m', '4o-mini', 'What do pelicans eat?'])).toMatchObject({ code: 0, stdout: 'You said: What do pelicans eat?\n' });
    // The example's llm-judge metric prompts with its own system prompt, after the person did.
    expect((await run(['experiments', 'run', EXAMPLE, '--name', 'pitch', '--executions', '2'])).code).toBe(0);
    const before = server.chatBodies.length;
    expect(before - start).toBe(5); // the person's prompt, then a pitch and a judgement per run
    expect(server.chatBodies.at(-1).messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('evaluator') });

    expect(await run(['-c', 'and more?'])).toMatchObject({ code: 0, stdout: 'You said: and more?\n' });
    expect(server.chatBodies[before].messages).toEqual([
      { role: 'user', content: 'What do pelicans eat?' },
      { role: 'assistant', content: 'You said: What do pelicans eat?' },
      { role: 'user', content: 'and more?' },
    ]);
    const current = JSON.parse((await run(['logs', '-c', '--json'])).stdout) as { prompt: string }[];
    expect(current.map((r) => r.prompt)).toEqual(['What do pelicans eat?', 'and more?']);
    const chat = await runCli(['chat', '-c'], dir.path, { env: env(), input: 'and then?\n' });
    expect(chat.stdout).toContain('You said: and then?');
    expect(server.chatBodies.at(-1).messages.map((m: { content: string }) => m.content)).toEqual([
      'What do pelicans eat?',
      'You said: What do pelicans eat?',
      'and more?',
      'You said: and more?',
      'and then?',
    ]);
  });
});

describe('llm experiments list, show and compare', () => {
  it('lists, shows and compares runs of an experiment, marking significant changes and what differs', async () => {
    expect((await run(['experiments', 'list'])).stdout).toBe("No experiments logged yet: run one with 'llm experiments run FILE'.\n");
    expect((await run(['experiments', 'run', EXAMPLE, '--name', 'pitch', '-n', '12'])).code).toBe(0);
    // The second run: another model, and pitches that shout.
    pitchReply = (request) => (/Write a pitch/.test(JSON.stringify(request.body.messages)) ? textReply('Buy it now! It is great! Really!') : exampleReply(request));
    expect((await run(['experiments', 'run', EXAMPLE, '--name', 'pitch', '-n', '12'], { LLM_EXAMPLE_MODEL: 'gpt-4o' })).code).toBe(0);

    const list = await run(['experiments', 'list']);
    expect(list.code).toBe(0);
    const rows = list.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ {2}id +name +started +runs +failed +status +took$/);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^ {2}[0-9a-z]{26} +pitch +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +12\/12 +completed +[\d.]+ m?s$/);
    const listed = JSON.parse((await run(['experiments', 'list', '--json'])).stdout) as { id: string; runs: number }[];
    expect(listed.map((e) => e.runs)).toEqual([12, 12]);
    const [newest, older] = listed;

    const show = await run(['experiments', 'show', 'pitch~1', '--runs', '3']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Experiment pitch (${older!.id})\n  Short pitches for three products\n  file      ${EXAMPLE}\n  status    completed: 12 of 12 runs logged, 12 ok, 0 failed, in `);
    expect(show.stdout).toContain('Metrics (95% CI: t interval for means, Wilson for rates)');
    expect(show.stdout).toMatch(/ {2}persuasive +12 +[\d.]+ +[\d.]+ +3 +5 +\[[\d.]+, [\d.]+\]\n/);
    expect(show.stdout).toMatch(/Prompts\n {2}prompt +role +version +previous +runs\n {2}pitch +user +[0-9a-f]{8} +\(first\) +12\n/);
    expect(show.stdout).toMatch(
      /Bots\n {2}bot +model +options +system prompt +runs\n {2}judge:persuasive \(structured\) +gpt-4o-mini +\{"temperature":0\} +You are a careful, impartial evaluator\.… +12\n {2}writer +gpt-4o-mini +\{"temperature":0\.7\} +You write short, concrete product pitch… +12\n/,
    );
    expect(show.stdout).toMatch(/Runs \(the first 3 of 12; --runs 0 shows all\)\n {2}# +status +took +words +names-product +no-exclamation +persuasive +responses +output \/ error\n {2}0 +ok +[\d.]+ m?s \(pipeline [\d.]+ m?s\) +\d+ +true +true +[345] +2 +Meet Pelican Post\./);
    const details = JSON.parse((await run(['experiments', 'show', older!.id.slice(0, 10), '--json'])).stdout) as { id: string; runs: { responses: unknown[] }[]; metrics: { name: string; ci: object }[] };
    expect(details.id).toBe(older!.id);
    expect(details.runs).toHaveLength(12);
    expect(details.runs[0]!.responses).toHaveLength(2);
    expect(details.metrics.map((m) => m.name)).toEqual(['words', 'names-product', 'no-exclamation', 'persuasive']);

    const compare = await run(['experiments', 'compare', 'pitch~1', 'pitch']);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain(`A: pitch (${older!.id}), `);
    expect(compare.stdout).toContain(`B: pitch (${newest!.id}), `);
    // The same three products, four runs each: compared input by input.
    expect(compare.stdout).toContain("Paired by input: both ran the same 3 inputs; each input's runs are averaged, then B - A is tested over inputs.");
    expect(compare.stdout).toMatch(/ {2}metric +n +mean A +mean B +B - A +95% CI +p +p \(Holm\) +verdict +method\n/);
    // Every pitch now shouts: a significant drop of 100 points on every input, worse since higher is better.
    expect(compare.stdout).toMatch(/ {2}no-exclamation +3 inputs \(12\/12 runs\) +100\.0% +0\.0% +-100\.0 pts +\[-100\.0, -100\.0\] pts +<1e-6 +<1e-6 +\* +worse \(higher is better\) +paired t\n/);
    expect(compare.stdout).toMatch(/ {2}names-product +3 inputs \(12\/12 runs\) +100\.0% +0\.0% +-100\.0 pts .* \* +worse/);
    expect(compare.stdout).toContain("* significant at 5% after Holm's correction across the 4 metrics");
    // The judge is recorded like a bot, so a changed judge model is named too.
    expect(compare.stderr).toBe(
      "Warning: the experiments differ in: bot 'judge:persuasive' model: gpt-4o-mini in A, gpt-4o in B; bot 'writer' model: gpt-4o-mini in A, gpt-4o in B\n",
    );
    const json = JSON.parse((await run(['experiments', 'compare', 'pitch~1', 'pitch', '--json'])).stdout) as { metrics: { name: string; significant: boolean; verdict: string; difference: number }[]; differences: string[] };
    expect(json.metrics.find((m) => m.name === 'no-exclamation')).toMatchObject({ significant: true, verdict: 'worse', difference: -1 });
    expect(json.differences).toContain("bot 'writer' model: gpt-4o-mini in A, gpt-4o in B");

    const regression = await run(['experiments', 'compare', 'pitch~1', 'pitch', '--fail-on-regression', 'no-exclamation']);
    expect(regression.code).toBe(1);
    expect(regression.stderr).toMatch(/^Warning: .*\nError: Regression: no-exclamation got significantly worse \(higher is better\): 100\.0% -> 0\.0%, difference -100\.0 pts, 95% CI \[-100\.0, -100\.0\] pts, p <1e-6 \(Holm\)\n$/);
    // Lower being better turns the same change into an improvement.
    expect((await run(['experiments', 'compare', 'pitch~1', 'pitch', '--fail-on-regression', 'no-exclamation:lower'])).code).toBe(0);
    expect(await run(['experiments', 'compare', 'pitch~1', 'pitch', '--fail-on-regression', 'nope'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Error: --fail-on-regression nope: no metric 'nope' in both experiments \(they share words, names-product, no-exclamation, persuasive\)\.\n$/),
    });
  });

  it('shows an experiment whose process was killed (kill -9) as interrupted, not running', async () => {
    const started = join(dir.path, 'started');
    const path = file(
      'stuck.mjs',
      `import { writeFileSync } from 'node:fs';
import { experiment } from 'llm-host/experiments';
export default experiment('stuck', () => {
  writeFileSync(${JSON.stringify(started)}, String(process.pid));
  // Stuck for good: a pending promise alone would let the process end by itself, racing the kill.
  setInterval(() => {}, 60_000);
  return new Promise(() => {});
}, { executions: 3, concurrency: 1 });
`,
    );
    const child = startCli(['experiments', 'run', path], dir.path, { env: env() });
    const exited = collect(child);
    // The experiment's row is written before its first run starts.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(started)) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    expect(child.kill('SIGKILL')).toBe(true);
    expect((await exited).signal).toBe('SIGKILL');
    expect(query<{ status: string; pid: number }>('SELECT status, pid FROM experiments')).toEqual([{ status: 'running', pid: Number(readFileSync(started, 'utf8')) }]);

    const list = await run(['experiments', 'list']);
    expect(list.stdout.split('\n')[1]).toMatch(/^ {2}[0-9a-z]{26} +stuck +\S+ \S+ UTC +0\/3 +interrupted +-$/);
    const listed = JSON.parse((await run(['experiments', 'list', '--json'])).stdout) as { status: string; pid: number; host: string }[];
    expect(listed).toMatchObject([{ status: 'interrupted', pid: child.pid, host: hostname() }]);
    const show = await run(['experiments', 'show', 'stuck']);
    expect(show.stdout).toContain(`  status    interrupted (process ${child.pid} on ${hostname()} ended before it finished): 0 of 3 runs logged, 0 ok, 0 failed\n`);
  });

  it('says so when the runs wait on promises nothing will settle, rather than exiting silently (Node exit code 13)', async () => {
    const path = file('hangs.mjs', "import { experiment } from 'llm-host/experiments';\nexport default experiment('hangs', () => new Promise(() => {}), { executions: 2 });\n");
    expect(await run(['experiments', 'run', path])).toMatchObject({
      code: 1,
      stderr: "Error: The experiment's runs are waiting on promises nothing will ever settle (no timer, request or other work is left): make the pipeline resolve or reject, or give --timeout.\n",
    });
    expect(JSON.parse((await run(['experiments', 'list', '--json'])).stdout)).toMatchObject([{ name: 'hangs', status: 'interrupted' }]);
  });

  it('refuses to compare an experiment with itself, and names unknown ones', async () => {
    expect(await run(['experiments', 'show', 'pitch'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Error: No experiments logged yet \(there is no log at .*logs\.db\): run one with 'llm experiments run FILE'\.\n$/) });
    expect((await run(['experiments', 'run', EXAMPLE, '--name', 'tagline', '-n', '2'])).code).toBe(0);
    const [{ id }] = JSON.parse((await run(['experiments', 'list', '--json'])).stdout) as { id: string }[];
    expect(await run(['experiments', 'compare', 'tagline', id])).toMatchObject({
      code: 2,
      stderr: `Error: Both references name the same experiment (${id}): compare two different ones, e.g. 'tagline~1 tagline'.\n`,
    });
    expect(await run(['experiments', 'show', 'nosuch'])).toMatchObject({ code: 1, stderr: "Error: No experiment 'nosuch' in the log: 'llm experiments list' shows the ids and names.\n" });
    expect(await run(['experiments', 'show', 'tagline~3'])).toMatchObject({
      code: 1,
      stderr: "Error: 'tagline~3' goes back further than the log: experiment 'tagline' was run 1 time (~0 to ~0).\n",
    });
  });

  it('lists the registered metrics', async () => {
    const result = await run(['experiments', 'metrics']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}metric +better +description\n {2}length +higher +Length of the output/);
    expect(result.stdout).toContain('llm-judge');
    const json = JSON.parse((await run(['experiments', 'metrics', '--json'])).stdout) as { name: string; optionsSchema: object | null }[];
    expect(json.map((m) => m.name)).toEqual(['length', 'json-valid', 'regex-match', 'llm-judge']);
  });
});

describe('what the experiments commands load', () => {
  let traces = 0;
  const loaded = async (args: string[]) => {
    const trace = join(dir.path, `modules-${traces++}.txt`);
    const result = await run(args, { NODE_OPTIONS: `--import=${join(repoRoot, 'test', 'helpers', 'trace-modules.mjs')}`, LLM_TRACE_MODULES: trace });
    expect(result.code).toBe(0);
    return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  };

  it('Ink and React load only for the live view: never without a terminal, nor for list', async () => {
    const path = file('ok.mjs', "import { experiment } from 'llm-host/experiments';\nexport default experiment('ok', () => 'x', { executions: 2, metrics: ['length'] });\n");
    const running = await loaded(['experiments', 'run', path]);
    expect(running.some((m) => m.includes('/node_modules/jiti/'))).toBe(true);
    expect(running.filter((m) => /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(m))).toEqual([]);
    const listing = await loaded(['experiments', 'list']);
    expect(listing.filter((m) => /\/node_modules\/(ink|react|jiti|nunjucks)\//.test(m))).toEqual([]);
  });
});
