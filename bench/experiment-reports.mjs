// Reading experiments back at scale (issue 18): `llm experiments show pitch` and
// `llm experiments compare pitch~1 pitch` on a log holding two experiments of 10,000 runs each,
// against the same on a log of two of 1,000 runs. Target: at 10k at most 1.3x the cost at 1k.
//
// The logs are made the way a user's is (the CLI creates logs.db and the experiments' tables with
// their migrations), then filled by direct SQL inserts, shaped as `llm experiments run` writes
// them: 10 executions of each input (both experiments ran the same inputs, so compare pairs them),
// three metrics (an integer, a rate, a number; 1% of judge scores failed), 1% failed runs, one
// prompt version, one bot, and each run's logged response. Timings are medians of interleaved
// runs in random order; peak RSS of each command at 10k is shown beside them.
//
// `llm experiments run` stores each experiment's summary (experiment_summaries) when it finishes,
// and `show` and `compare` read that instead of every run. These logs are filled without it, so
// the first `show` and `compare` of each (the untimed runs that warm the file cache) read every
// run and store the summaries, as they do on any log that lacks them; the first compare's time is
// printed below the table.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, median, printTable, root, scratchDir, shuffle, timeRun } from './lib.mjs';
import { bulkWriter } from './sqlite.mjs';

export const name = 'experiment-reports';

const TARGET = 1.3;
const SIZES = [1_000, 10_000];
const MAX_RSS = join(root, 'bench', 'max-rss.mjs');
const COMMANDS = {
  show: ['experiments', 'show', 'pitch'],
  compare: ['experiments', 'compare', 'pitch~1', 'pitch'],
};

export async function run({ runs = Number(process.env.BENCH_RUNS ?? 15) } = {}) {
  const bulk = bulkWriter();
  if (!bulk) {
    console.log('No native SQLite engine in this process to build the logs: not measured.');
    return { ok: false };
  }
  const scratch = scratchDir('llm-bench-experiment-reports-');
  try {
    const envs = new Map();
    for (const size of SIZES) {
      const env = { ...process.env, LLM_USER_PATH: join(scratch, `runs-${size}`) };
      delete env.NODE_OPTIONS;
      for (const key of Object.keys(env)) if (key.startsWith('LLM_') && key !== 'LLM_USER_PATH') delete env[key];
      mkdirSync(env.LLM_USER_PATH, { recursive: true });
      // The log and the experiments' tables, made by their migrations.
      timeRun(process.execPath, [cli, '-m', 'echo', 'create the log'], { env });
      timeRun(process.execPath, [cli, 'experiments', 'list'], { env });
      const started = Date.now();
      writeExperiments(bulk.open(join(env.LLM_USER_PATH, 'logs.db')), size);
      console.log(`made a log of two ${size.toLocaleString('en-US')}-run experiments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      envs.set(size, env);
    }
    const samples = new Map();
    const tasks = [];
    const first = new Map();
    for (const [command, args] of Object.entries(COMMANDS)) {
      for (const size of SIZES) {
        const list = [];
        samples.set(`${command} ${size}`, list);
        first.set(`${command} ${size}`, timeRun(process.execPath, [cli, ...args], { env: envs.get(size) })); // warm the file cache
        for (let i = 0; i < runs; i++) tasks.push(() => list.push(timeRun(process.execPath, [cli, ...args], { env: envs.get(size) })));
      }
    }
    for (const task of shuffle(tasks)) task();
    const big = SIZES.at(-1);
    const result = { ok: true };
    const rows = Object.entries(COMMANDS).map(([command, args]) => {
      const [small, large] = SIZES.map((size) => median(samples.get(`${command} ${size}`)));
      const ratio = large / small;
      result[`${command}Ratio`] = ratio;
      if (ratio > TARGET) result.ok = false;
      return [`llm ${args.join(' ')}`, small.toFixed(0), large.toFixed(0), `${ratio.toFixed(2)}x`, `<= ${TARGET}x`, ratio <= TARGET ? 'yes' : 'NO', peakRssMb(args, envs.get(big)).toFixed(0)];
    });
    printTable(['command', `${SIZES[0].toLocaleString('en-US')} runs ms`, `${big.toLocaleString('en-US')} runs ms`, 'ratio', 'target', 'ok', `peak RSS MB at ${big.toLocaleString('en-US')}`], rows);
    console.log(`first compare of each log (reads the runs of an experiment without a summary, and stores it; show stored B's), one run: ${SIZES.map((size) => `${first.get(`compare ${size}`).toFixed(0)} ms at ${size.toLocaleString('en-US')}`).join(', ')}`);
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Peak resident set size of one run of the command, in MB. */
function peakRssMb(args, env) {
  const file = join(env.LLM_USER_PATH, 'max-rss.txt');
  timeRun(process.execPath, ['--import', MAX_RSS, cli, ...args], { env: { ...env, LLM_BENCH_RSS_FILE: file } });
  return Number(readFileSync(file, 'utf8')) / 1024;
}

/** Two experiments named pitch (A, then B a day later) of `runs` runs each, inserted in one transaction. */
export function writeExperiments(db, runs) {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const words = 'pocket printer quiet desk travel light fast sturdy simple clever small bright warm calm'.split(' ');
  const sentence = (n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
  const inputs = Array.from({ length: runs / 10 }, (_, i) => JSON.stringify({ product: `product ${i}`, audience: `audience ${i % 7}` }));
  const template = 'Write a pitch for {{ product }}. It is for {{ audience }}.';
  const hash = '1a2dd5a402baf0ee4ea12b2437d6be840fc8f9930570ec3509e76c22e0c2186c';
  const botId = 'aa86a6d18561f9fb7df6dd2f34b47c64';
  const statements = {
    experiment: db.prepare(
      `INSERT INTO experiments (id, name, description, file, info, executions, concurrency, timeout_ms, status, started_at, finished_at, duration_ms, llm_version, pid, host)
       VALUES (?, 'pitch', NULL, '/home/user/pitch.ts', NULL, ?, 16, NULL, 'completed', ?, ?, ?, '0.2.0', 4242, 'bench')`,
    ),
    metric: db.prepare('INSERT INTO experiment_metrics (experiment_id, name, description, better, kind, position) VALUES (?, ?, ?, ?, ?, ?)'),
    run: db.prepare(
      `INSERT INTO experiment_runs (id, experiment_id, run_index, status, error, started_at, duration_ms, input, output, info, pipeline_ms, cached)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)`,
    ),
    value: db.prepare('INSERT INTO experiment_metric_values (run_id, metric, value, error) VALUES (?, ?, ?, ?)'),
    prompt: db.prepare('INSERT INTO experiment_run_prompts (run_id, name, hash) VALUES (?, ?, ?)'),
    runBot: db.prepare('INSERT INTO experiment_run_bots (run_id, bot_id) VALUES (?, ?)'),
    response: db.prepare(
      `INSERT INTO responses (id, model, prompt, system, prompt_json, options_json, response, response_json, conversation_id, duration_ms, datetime_utc, input_tokens, output_tokens)
       VALUES (?, 'gpt-4o-mini', ?, 'Be concrete.', NULL, '{}', ?, NULL, NULL, ?, ?, 30, 60)`,
    ),
    link: db.prepare("INSERT INTO experiment_run_responses (run_id, response_id, source, position) VALUES (?, ?, 'writer', 0)"),
  };
  db.exec('BEGIN');
  db.prepare(`INSERT INTO prompt_versions (name, hash, role, template, previous_hash, first_experiment_id, created_at) VALUES ('pitch', ?, 'user', ?, NULL, ?, '2026-01-01T00:00:00.000000+00:00')`).run(hash, template, experimentId('a', runs));
  db.prepare(`INSERT INTO experiment_bots (id, name, kind, model, system, options, schema) VALUES (?, 'writer', 'bot', 'gpt-4o-mini', 'Be concrete.', '{"temperature":0.7}', NULL)`).run(botId);
  for (const [side, day, shift] of [['a', 1, 0], ['b', 2, 0.1]]) {
    const experiment = experimentId(side, runs);
    statements.experiment.run(experiment, runs, `2026-01-0${day}T00:00:00.000000+00:00`, `2026-01-0${day}T00:05:00.000000+00:00`, 300_000);
    [
      ['words', 'Length of the output in words', 'higher', 'integer'],
      ['no-hype', null, 'higher', 'boolean'],
      ['persuasive', 'How persuasive is it for its audience? (1-5)', 'higher', 'number'],
    ].forEach(([metric, description, better, kind], position) => statements.metric.run(experiment, metric, description, better, kind, position));
    for (let i = 0; i < runs; i++) {
      const id = `${experiment.slice(0, 8)}r${String(i).padStart(17, '0')}`;
      const at = `2026-01-0${day}T00:0${Math.floor(i / runs * 5)}:00.${String(i % 1e6).padStart(6, '0')}+00:00`;
      const input = inputs[i % inputs.length];
      if (random() < 0.01) {
        statements.run.run(id, experiment, i, 'error', 'Error: the model timed out after 30 s', at, 30_000, input, null, 30_000);
      } else {
        const text = sentence(20 + Math.floor(random() * 40));
        statements.run.run(id, experiment, i, 'ok', null, at, 800 + Math.floor(random() * 900), input, JSON.stringify(text), 700 + Math.floor(random() * 800));
        statements.value.run(id, 'words', text.split(' ').length, null);
        statements.value.run(id, 'no-hype', random() < 0.8 + shift ? 1 : 0, null);
        if (random() < 0.01) statements.value.run(id, 'persuasive', null, 'llm-judge: the reply had no score');
        else statements.value.run(id, 'persuasive', 1 + Math.floor(random() * 4 + shift * 5), null);
        const responseId = `${experiment.slice(0, 8)}p${String(i).padStart(17, '0')}`;
        statements.response.run(responseId, `Write a pitch for ${JSON.parse(input).product}.`, text, 700, at);
        statements.link.run(id, responseId);
      }
      statements.prompt.run(id, 'pitch', hash);
      statements.runBot.run(id, botId);
    }
  }
  db.exec('COMMIT');
  db.close();
}

function experimentId(side, runs) {
  return `01bench${side}${String(runs).padStart(18, '0')}`;
}
