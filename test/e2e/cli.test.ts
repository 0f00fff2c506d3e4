import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cliEnv, cliPath, collect, repoRoot, runCli, startCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// The built CLI (npm test builds first) run as a child process with a temp user directory.

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-e2e-')));
afterEach(() => dir.remove());

const run = (args: string[], options: Parameters<typeof runCli>[2] = {}) => runCli(args, dir.path, options);

describe('prompting the echo model', () => {
  it('streams back the prompt, system prompt and options', async () => {
    const result = await run(['-m', 'echo', '-s', 'Be brief', '-o', 'uppercase', 'true', 'hello', 'world']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('Turn 1\nSystem: Be brief\nPrompt: HELLO WORLD\nOptions: {"uppercase":true}\n');
  });

  it('puts piped stdin before the prompt argument', async () => {
    const result = await run(['-m', 'echo', 'Summarize this'], { input: 'Some notes\n' });
    expect(result.stdout).toBe('Turn 1\nPrompt: Some notes\nSummarize this\n');
  });

  it('takes the model from LLM_MODEL and the default model setting', async () => {
    expect((await run(['hi'], { env: { LLM_MODEL: 'echo' } })).stdout).toContain('Prompt: hi');
    expect((await run(['models', 'default', 'echo'])).code).toBe(0);
    expect(readFileSync(join(dir.path, 'default_model.txt'), 'utf8')).toBe('echo\n');
    expect((await run(['models', 'default'])).stdout).toBe('echo\n');
    expect((await run(['no', 'model', 'flag'])).stdout).toContain('Prompt: no model flag');
  });

  it('prints token usage with -u and waits for the whole reply with --no-stream', async () => {
    const result = await run(['-m', 'echo', '-u', '--no-stream', 'one two three']);
    expect(result.stdout).toBe('Turn 1\nPrompt: one two three\n');
    expect(result.stderr).toBe('Token usage: 3 input, 6 output\n');
  });

  it('stops cleanly on Ctrl-C', async () => {
    const child = startCli(['-m', 'echo', '-o', 'delay', '300', 'a slow reply with many words'], dir.path);
    let stdout = '';
    let interrupted = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Once, as a person presses Ctrl-C once (the partial answer's closing newline is more output).
      if (stdout.includes('Turn') && !interrupted) interrupted = child.kill('SIGINT');
    });
    const result = await collect(child);
    expect(result.code).toBe(130);
    expect(result.stderr).toBe('Error: Aborted.\n');
    expect(stdout).toMatch(/^Turn[^\n]*\n$/); // the partial answer ends its line
    expect(stdout).not.toContain('words');
  });
});

describe('bad input: one line on stderr, an exit code, no stack trace', () => {
  const expectOneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it.each([
    [['-m', 'gpt-4o-minii', 'hi'], 1, /^Error: Unknown model 'gpt-4o-minii'\. Did you mean 'gpt-4o-mini'.*\? Run 'llm models'/],
    [['-m', 'ehco', 'hi'], 1, /Did you mean 'echo'\?/],
    [['-m', 'echo', '-o', 'colour', 'red', 'hi'], 2, /unknown option 'colour' \(valid options: delay, uppercase\)/],
    [['-m', 'echo', '-o', 'delay', 'soon', 'hi'], 2, /delay must be integer \(got "soon"\)/],
    [['-m', 'echo', '-o', 'delay', '999999', 'hi'], 2, /delay must be <= 60000/],
    [['-m', 'echo', '-o', 'delay'], 2, /-o takes a key and a value/],
    [['-m', 'echo'], 2, /No prompt given/],
    [['-m', 'echo', '--verbose', 'hi'], 2, /Nonexistent flag: --verbose/],
    [['keys', 'get', 'nothing'], 1, /No key named 'nothing' is stored/],
    [['aliases', 'remove', 'nope'], 1, /No alias named 'nope'/],
    [['hi'], 1, /The default model 'gpt-4o-mini' is not available|No key found for model 'gpt-4o-mini'/],
  ])('llm %j exits %i', async (args, code, message) => {
    const result = await run(args as string[]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expectOneLine(result.stderr);
  });

  it('shows the stack trace with LLM_DEBUG=1', async () => {
    const result = await run(['-m', 'nope', 'hi'], { env: { LLM_DEBUG: '1' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/UnknownModelError: Unknown model 'nope'[\s\S]*\n\s+at /);
  });

  it('never overwrites a corrupt keys.json', async () => {
    const keys = join(dir.path, 'keys.json');
    writeFileSync(keys, '{"openai": "sk-');
    const result = await run(['keys', 'set', 'openai', '--value', 'sk-new']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/keys file .*keys\.json is unreadable: it is not valid JSON .*will not overwrite it/);
    expectOneLine(result.stderr);
    expect(readFileSync(keys, 'utf8')).toBe('{"openai": "sk-');
  });

  it('names a config file with a syntax error', async () => {
    writeFileSync(join(dir.path, '.llmrc.json'), '{"plugins": [}');
    const result = await run(['models']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^Error: Config file ${join(dir.path, '.llmrc.json')} could not be read`));
    expectOneLine(result.stderr);
  });

  it('names a configured plugin path that does not exist', async () => {
    writeFileSync(join(dir.path, '.llmrc.yaml'), 'plugins:\n  - ./gone.js\n');
    const result = await run(['models']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Error: Plugin path ${join(dir.path, 'gone.js')} does not exist (listed in ${join(dir.path, '.llmrc.yaml')}). Fix the path or remove it.\n`);
  });

  it('goes on without a plugin that throws in apply, with a warning naming it', async () => {
    writeFileSync(join(dir.path, 'broken.mjs'), "export default { name: 'broken', apply() { throw new Error('no config for broken'); } };\n");
    writeFileSync(join(dir.path, '.llmrc.json'), JSON.stringify({ plugins: ['./broken.mjs'] }));
    const result = await run(['-m', 'echo', 'still works']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Prompt: still works');
    expect(result.stderr).toBe('Warning: plugin broken failed in apply: no config for broken; continuing without it\n');
  });
});

describe('models, keys, aliases, plugins', () => {
  it('lists models as text and JSON, with options', async () => {
    expect((await run(['models'])).stdout).toMatch(/^Echo: echo\n[\s\S]*Default: gpt-4o-mini\n$/);
    const options = (await run(['models', 'list', '--options'])).stdout;
    expect(options).toContain('    delay: integer (>= 0, <= 60000)\n      Milliseconds to wait before each chunk.');
    const json = JSON.parse((await run(['models', '--json'])).stdout) as { id: string; plugin: string; needsKey: string | null }[];
    expect(json.find((m) => m.id === 'echo')).toMatchObject({ plugin: 'echo', needsKey: null, canStream: true });
  });

  it('stores keys from stdin in a private keys.json and never lists their values', async () => {
    expect((await run(['keys', 'set', 'openai'], { input: 'sk-secret-value\n' })).code).toBe(0);
    const file = join(dir.path, 'keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).openai).toBe('sk-secret-value');
    const list = await run(['keys']);
    expect(list.stdout).toBe('openai\n');
    expect(list.stdout + list.stderr).not.toContain('sk-secret');
    expect((await run(['keys', 'get', 'openai'])).stdout).toBe('sk-secret-value\n');
    expect((await run(['keys', 'path'])).stdout).toBe(`${file}\n`);
    expect((await run(['keys', 'set', 'empty'], { input: '\n' })).stderr).toMatch(/The key is empty/);
    expect((await run(['keys', 'set', 'blank', '--value', ' '])).stderr).toBe("Error: The key is empty: type it at the prompt, pipe it in, or pass --value.\n");
    // A key file saved with a final newline, or pasted with spaces: only the key is kept.
    expect((await run(['keys', 'set', 'pasted'], { input: '  sk-pasted \n\n' })).code).toBe(0);
    expect((await run(['keys', 'set', 'flag', '--value', 'sk-flag\n'])).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pasted: 'sk-pasted', flag: 'sk-flag' });
  });

  it('reads a key typed at a terminal without echoing it', async () => {
    // script(1) gives the CLI a real pseudo-terminal; the key is typed after the prompt appears.
    const child = spawn('script', ['-qec', `${process.execPath} ${cliPath} keys set openai; echo NEXT`, '/dev/null'], {
      env: cliEnv(dir.path),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let seen = '';
    let typed = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (!typed && seen.includes('Enter key:')) {
        typed = true;
        child.stdin!.write('sk-typed-secret\r');
      }
    });
    const result = await collect(child);
    expect(result.code).toBe(0);
    expect(seen).toContain('Enter key:');
    expect(seen).not.toContain('sk-typed-secret');
    // Enter is not echoed with the key, so llm ends the prompt's line itself: what follows starts a line.
    expect(seen).toMatch(/Enter key: [^\n]*\r\nNEXT\r\n$/);
    expect(JSON.parse(readFileSync(join(dir.path, 'keys.json'), 'utf8')).openai).toBe('sk-typed-secret');
  });

  it('manages aliases in aliases.json', async () => {
    expect((await run(['aliases', 'set', 'e', 'echo'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir.path, 'aliases.json'), 'utf8'))).toEqual({ e: 'echo' });
    // Beside the user's aliases, the models' own (from the openai plugin).
    expect((await run(['aliases'])).stdout).toMatch(/^e +: echo\n/m);
    expect((await run(['aliases'])).stdout).toMatch(/^4o-mini +: gpt-4o-mini\n/m);
    expect((await run(['-m', 'e', 'via alias'])).stdout).toContain('Prompt: via alias');
    expect((await run(['aliases', 'set', 'x', 'nope'])).stderr).toMatch(/Unknown model 'nope'/);
    expect((await run(['aliases', 'remove', 'e'])).code).toBe(0);
    const left = JSON.parse((await run(['aliases', 'list', '--json'])).stdout) as Record<string, string>;
    expect(left).not.toHaveProperty('e');
    expect(left['4o']).toBe('gpt-4o');
    expect((await run(['aliases', 'path'])).stdout).toBe(`${join(dir.path, 'aliases.json')}\n`);
  });

  it('lists plugins, the default ones with --all', async () => {
    expect((await run(['plugins'])).stdout).toMatch(/No plugins installed/);
    const all = JSON.parse((await run(['plugins', '--all', '--json'])).stdout) as { name: string; kind: string; hooks: string[] }[];
    expect(all.find((p) => p.name === 'echo')).toMatchObject({ kind: 'default', hooks: ['registerModels'] });
  });

  it('switches a default plugin off from config', async () => {
    writeFileSync(join(dir.path, '.llmrc.json'), JSON.stringify({ defaultPlugins: { echo: false } }));
    const result = await run(['-m', 'echo', 'hi']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Unknown model 'echo'/);
  });
});

describe('chat', () => {
  it('keeps one conversation, supports !multi and exit', async () => {
    const input = ['first message', '!multi', 'line one', 'line two', '!end', 'exit', 'never sent'].join('\n') + '\n';
    const result = await run(['chat', '-m', 'echo', '-s', 'You are terse'], { input });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Chatting with echo\nType 'exit' or 'quit' to exit");
    expect(result.stdout).toContain('Turn 1\nSystem: You are terse\nPrompt: first message\n');
    expect(result.stdout).toContain('Turn 2\nPrompt: line one\nline two\n');
    expect(result.stdout).not.toContain('never sent');
  });

  it('ends at end of input', async () => {
    const result = await run(['chat', '-m', 'echo'], { input: 'only one\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Prompt: only one');
  });
});

describe('help', () => {
  it('shows usage, examples and every command', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ llm [PROMPT...] [-m MODEL]');
    for (const command of ['chat', 'keys set', 'models default', 'aliases remove', 'plugins', 'prompt']) {
      expect(result.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
    }
  });

  it('shows a command with its flags and examples', async () => {
    const result = await run(['prompt', '--help']);
    expect(result.stdout).toContain('-o, --option=KEY VALUE...');
    expect(result.stdout).toContain('EXAMPLES');
    expect((await run(['help', 'keys', 'set'])).stdout).toContain('Store an API key in keys.json.');
  });

  // Help renders with the light config (src/cli/light-config.ts) unless oclif would load a theme;
  // with output to a pipe a theme colours nothing, so both must print the very same text.
  it("reads the same with the light config as with oclif's Config", async () => {
    const themed = join(dir.path, 'oclif-config');
    mkdirSync(themed, { recursive: true });
    writeFileSync(join(themed, 'theme.json'), JSON.stringify({ bin: 'red' }));
    const subjects = [['--help'], ['logs', '--help'], ['models', '--help'], ['aliases', '--help'], ['keys', 'set', '--help'], ['prompt', '--help'], ['embed', '--help'], ['experiments', '--help'], ['openai', '--help'], ['help', 'keys']];
    for (const args of subjects) {
      const light = await run(args);
      const oclif = await run(args, { env: { LLM_CONFIG_DIR: themed } });
      expect({ args, code: light.code, stdout: light.stdout }).toEqual({ args, code: 0, stdout: oclif.stdout });
      expect(light.stdout.length).toBeGreaterThan(100);
    }
  });

  it('prints the version without loading plugins', async () => {
    writeFileSync(join(dir.path, '.llmrc.json'), '{ broken');
    const result = await run(['--version']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^llm\/\d+\.\d+\.\d+ \S+ node-v\d+/);
  });
});

describe('a plugin from config, written against the public API', () => {
  let project: string;
  beforeEach(() => {
    project = join(dir.path, 'project');
    mkdirSync(project, { recursive: true });
    // No node_modules: a plugin named in a config file gets the running host all the same.
    cpSync(join(repoRoot, 'test', 'fixtures', 'cli-plugin'), join(project, 'cli-plugin'), { recursive: true });
    // Without the openai plugin, the models are known: echo and the fixture's rev.
    writeFileSync(join(project, '.llmrc.json'), JSON.stringify({ plugins: ['./cli-plugin'], defaultPlugins: { openai: false } }));
  });

  it('adds a model that works through the CLI', async () => {
    const result = await run(['-m', 'rev', 'one two three'], { cwd: project });
    expect(result).toMatchObject({ code: 0, stdout: 'three two one \n' });
  });

  it('adds commands that run with their own flags, help and errors', async () => {
    const greet = await run(['fixture', 'greet', 'Ada', '--shout'], { cwd: project });
    expect(greet).toMatchObject({ code: 0, stdout: 'HELLO, ADA! (2 MODELS LOADED)\n' });
    const help = await run(['--help'], { cwd: project });
    expect(help.stdout).toMatch(/\n {2}fixture greet +Greet someone \(from a fixture plugin\)\./);
    const commandHelp = await run(['fixture', 'greet', '--help'], { cwd: project });
    expect(commandHelp.stdout).toContain('-s, --shout  Shout the greeting.');
    expect(commandHelp.stdout).toContain('$ llm fixture greet NAME');
    const missing = await run(['fixture', 'greet'], { cwd: project });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: Missing 1 required arg/);
    const failing = await run(['fixture', 'fail'], { cwd: project });
    expect(failing).toMatchObject({ code: 1, stderr: 'Error: the fixture command failed on purpose\n' });
    const topic = await run(['fixture'], { cwd: project });
    expect(topic.stdout).toContain('fixture greet');
  });

  // llm's own commands run with a light config (src/cli/light-config.ts); a plugin's command gets
  // oclif's whole Config, and the same plugin host as the router that found it.
  it("runs its commands with oclif's Config and the run's one plugin host", async () => {
    const configDir = join(dir.path, 'oclif-config');
    const where = await run(['fixture', 'where'], { cwd: project, env: { LLM_CONFIG_DIR: configDir } });
    expect(where).toMatchObject({ code: 0, stdout: `configDir=${configDir} runCommand=function applied=1\n` });
  });

  it('is listed by llm plugins with its hooks, and LLM_LOAD_PLUGINS can leave it out', async () => {
    const plugins = await run(['plugins'], { cwd: project });
    expect(plugins.stdout).toBe(`fixture-commands 2.0.0 (config in ${join(project, '.llmrc.json')}) hooks: registerModels, registerCommands\n`);
    const without = await run(['-m', 'rev', 'x'], { cwd: project, env: { LLM_LOAD_PLUGINS: '' } });
    expect(without.stderr).toMatch(/Unknown model 'rev'/);
  });
});
