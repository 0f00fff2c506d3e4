// Start-up with plugins installed: `llm --version` (and, for information, `llm models list`) with
// the example plugin installed five times under different names, against the same commands with
// no plugins, interleaved in one run. Target (issue 5): --version at most 1.2x without plugins.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, median, printTable, root, scratchDir, shuffle, timeRun } from './lib.mjs';

export const name = 'plugins';

/** Five renamed copies of plugins/markov (package, plugin, model, alias and command names). */
function makeCopies(dir) {
  return [1, 2, 3, 4, 5].map((n) => {
    const copy = join(dir, `llm-markov-${n}`);
    cpSync(join(root, 'plugins', 'markov'), copy, { recursive: true, filter: (path) => !path.includes('node_modules') });
    const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
    pkg.name = `llm-markov-${n}`;
    delete pkg.scripts;
    writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg, null, 2));
    const index = join(copy, 'dist', 'index.js');
    writeFileSync(
      index,
      readFileSync(index, 'utf8')
        .replaceAll("'markov'", `'markov${n}'`)
        .replace('new MarkovModel()', `new MarkovModel('markov${n}')`)
        .replace("aliases: ['chain']", `aliases: ['chain${n}']`)
        .replace("'markov stats'", `'markov${n} stats'`),
    );
    return copy;
  });
}

export async function run({ runs = Number(process.env.BENCH_RUNS ?? 30) } = {}) {
  const dir = scratchDir();
  const bare = join(dir, 'bare');
  const loaded = join(dir, 'with-plugins');
  const env = { ...process.env, npm_config_loglevel: 'error' };
  delete env.NODE_OPTIONS;
  execFileSync(process.execPath, [cli, 'plugins', 'install', ...makeCopies(dir)], { env: { ...env, LLM_USER_PATH: loaded }, stdio: 'ignore' });
  const listed = execFileSync(process.execPath, [cli, 'models', 'list'], { env: { ...env, LLM_USER_PATH: loaded }, encoding: 'utf8' });
  if (!/markov5/.test(listed)) throw new Error('the five plugin copies did not load');

  const cases = [
    { label: '--version, no plugins', user: bare, args: ['--version'] },
    { label: '--version, 5 plugins', user: loaded, args: ['--version'] },
    { label: 'models list, no plugins', user: bare, args: ['models', 'list'] },
    { label: 'models list, 5 plugins', user: loaded, args: ['models', 'list'] },
  ];
  const samples = new Map(cases.map((c) => [c.label, []]));
  const once = (c) => timeRun(process.execPath, [cli, ...c.args], { env: { ...env, LLM_USER_PATH: c.user }, cwd: dir });
  for (const c of cases) for (let i = 0; i < 3; i++) once(c);
  for (let i = 0; i < runs; i++) for (const c of shuffle([...cases])) samples.get(c.label).push(once(c));
  const m = (label) => median(samples.get(label));
  const versionRatio = m('--version, 5 plugins') / m('--version, no plugins');
  const listRatio = m('models list, 5 plugins') / m('models list, no plugins');
  printTable(
    ['command', 'median ms', 'ratio to no plugins', 'target', 'ok'],
    [
      ['--version, no plugins', m('--version, no plugins').toFixed(1), '', '', ''],
      ['--version, 5 plugins', m('--version, 5 plugins').toFixed(1), versionRatio.toFixed(2), '<= 1.2x', versionRatio <= 1.2 ? 'yes' : 'NO'],
      ['models list, no plugins', m('models list, no plugins').toFixed(1), '', '', ''],
      ['models list, 5 plugins', m('models list, 5 plugins').toFixed(1), listRatio.toFixed(2), '(info)', ''],
    ],
  );
  return { ok: versionRatio <= 1.2, versionRatio, listRatio };
}
