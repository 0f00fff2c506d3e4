import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// A plugin an outsider writes from the README: it registers a tool and a toolbox, is installed with
// `llm plugins install FOLDER` (offline: npm points at a closed port), and its tools are listed,
// named with -T, run, and logged.

const OFFLINE = { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' };
const engines = await availableEngines();

let work: ReturnType<typeof tempDir>;
let user: string;
beforeEach(() => {
  work = tempDir('llm-tools-plugin-');
  user = join(work.path, 'user');
  mkdirSync(user);
});
afterEach(() => work.remove());

const run = (args: string[]) => runCli(args, user, { env: { ...OFFLINE, npm_config_cache: join(work.path, 'npm-cache') } });

const PLUGIN = `import { defineTool, Toolbox } from 'llm-host';

const shout = defineTool({
  name: 'shout',
  description: 'Say it loudly',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  implementation: ({ text }) => text.toUpperCase() + '!',
});

class Counter extends Toolbox {
  static methods = {
    increment: { description: 'Add one and return the count' },
    total: { description: 'The count so far' },
  };
  count = Number(this.config.start ?? 0);
  increment() { return ++this.count; }
  total() { return this.count; }
}

export default {
  name: 'loud-tools',
  description: 'A tool and a toolbox',
  apply(hooks) {
    hooks.registerTools.tap('loud-tools', (register) => {
      register(shout);
      register(Counter);
    });
  },
};
`;

it('installs a plugin with a tool and a toolbox; llm tools lists them; -T runs them with state kept between calls', async () => {
  const folder = join(work.path, 'llm-loud-tools');
  mkdirSync(folder);
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'llm-loud-tools', version: '1.0.0', type: 'module', main: 'index.js', peerDependencies: { 'llm-host': '*' } }));
  writeFileSync(join(folder, 'index.js'), PLUGIN);
  const install = await run(['plugins', 'install', folder]);
  expect(install.stderr).toBe('');
  expect(install.stdout).toBe('Installed llm-loud-tools 1.0.0 (plugin loud-tools; hooks: registerTools)\n');

  const listed = JSON.parse((await run(['tools', '--json'])).stdout) as { tools: { name: string; plugin: string }[]; toolboxes: { name: string; tools: { name: string }[] }[] };
  expect(listed.tools.map((t) => [t.name, t.plugin])).toEqual([
    ['llm_time', 'tools'],
    ['llm_version', 'tools'],
    ['shout', 'loud-tools'],
  ]);
  expect(listed.toolboxes).toEqual([
    {
      name: 'Counter',
      plugin: 'loud-tools',
      description: null,
      tools: [
        { name: 'Counter_increment', description: 'Add one and return the count', arguments: { type: 'object', properties: {} } },
        { name: 'Counter_total', description: 'The count so far', arguments: { type: 'object', properties: {} } },
      ],
    },
  ]);
  const text = (await run(['tools'])).stdout;
  expect(text).toContain('shout(text: string) (plugin: loud-tools)\n\n  Say it loudly\n');
  expect(text).toContain('Counter (plugin: loud-tools):\n\n  Counter_increment()\n    Add one and return the count');

  const prompt = JSON.stringify({
    prompt: 'count',
    tool_calls: [{ name: 'shout', arguments: { text: 'hi' } }, { name: 'Counter_increment' }, { name: 'Counter_increment' }],
  });
  const result = await run(['-m', 'echo', '-T', 'shout', '-T', 'Counter({"start": 10})', prompt]);
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('Tool result shout (echo_1_1): HI!');
  // Both calls ran on one instance, configured with start 10 (concurrently: 11 and 12 in some order).
  expect([...result.stdout.matchAll(/Tool result Counter_increment \(echo_1_\d\): (\d+)/g)].map((m) => m[1]).sort()).toEqual(['11', '12']);

  const db = openDatabase(engines.find((e) => e.kind === 'file') ?? engines[0]!, join(user, 'logs.db'));
  try {
    expect(db.all('SELECT plugin, name, arguments FROM tool_instances')).toEqual([{ plugin: 'loud-tools', name: 'Counter', arguments: '{"start": 10}' }]);
    expect(db.all<{ name: string; plugin: string }>('SELECT name, plugin FROM tools ORDER BY id')).toEqual([
      { name: 'shout', plugin: 'loud-tools' },
      { name: 'Counter_increment', plugin: 'loud-tools' },
      { name: 'Counter_total', plugin: 'loud-tools' },
    ]);
  } finally {
    db.close();
  }
});
