import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { collect, repoRoot, runCli, startCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Templates end to end: the built CLI with the echo model, which prints exactly the prompt, system
// prompt and options that the template produced.

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-templates-')));
afterEach(() => dir.remove());

const run = (args: string[], options: Parameters<typeof runCli>[2] = {}) => runCli(args, dir.path, options);
const templatesDir = () => join(dir.path, 'templates');
const userTemplate = (name: string) => join(templatesDir(), `${name}.yaml`);
const writeTemplate = (name: string, text: string) => {
  mkdirSync(templatesDir(), { recursive: true });
  writeFileSync(userTemplate(name), text);
};
const expectOneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('--save and -t', () => {
  it('saves the prompt, system prompt, model, options and -p defaults without running, then uses them', async () => {
    const save = await run(['-m', 'echo', '-s', 'Summarize in the voice of $voice', '-p', 'voice', 'GlaDOS', '-o', 'uppercase', 'true', '--save', 'glados']);
    expect(save).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(userTemplate('glados'), 'utf8')).toBe(
      'model: echo\nsystem: Summarize in the voice of $voice\ndefaults:\n    voice: GlaDOS\noptions:\n    uppercase: true\n',
    );

    const used = await run(['-t', 'glados', 'some text']);
    expect(used).toMatchObject({ code: 0, stderr: '' });
    expect(used.stdout).toBe('Turn 1\nSystem: Summarize in the voice of GlaDOS\nPrompt: SOME TEXT\nOptions: {"uppercase":true}\n');

    const overridden = await run(['-t', 'glados', '-p', 'voice', 'Yoda', '-o', 'uppercase', 'false', '-o', 'delay', '1', '-s', 'Own system', 'more text']);
    expect(overridden.stdout).toBe('Turn 1\nSystem: Own system\nPrompt: more text\nOptions: {"uppercase":false,"delay":1}\n');
  });

  it('keeps $input and $variables as written when saving a prompt, and fills them in when used', async () => {
    expect((await run(['Say $input in $lang, for $$5', '-p', 'lang', 'French', '--save', 'fr'])).code).toBe(0);
    expect(readFileSync(userTemplate('fr'), 'utf8')).toBe('prompt: Say $input in $lang, for $$5\ndefaults:\n    lang: French\n');
    const result = await run(['-m', 'echo', '-t', 'fr', 'good', 'morning']);
    expect(result.stdout).toBe('Turn 1\nPrompt: Say good morning in French, for $5\n');
    const piped = await run(['-m', 'echo', '-t', 'fr', '-p', 'lang', 'German'], { input: 'hello\n' });
    expect(piped.stdout).toBe('Turn 1\nPrompt: Say hello\n in German, for $5\n');
  });

  it('gets all of the piped input, unchanged, even when it arrives slowly', async () => {
    writeTemplate('quote', 'model: echo\nprompt: "Quote: [$input]"\n');
    const child = startCli(['-t', 'quote'], dir.path, { keepStdinOpen: true });
    child.stdin!.write('  first line\n');
    await sleep(200);
    child.stdin!.end('second line\n');
    const result = await collect(child);
    expect(result.stdout).toBe('Turn 1\nPrompt: Quote: [  first line\nsecond line\n]\n');
  });

  it('appends the input to a prompt without $input, and uses it as the prompt of a system-only template', async () => {
    writeTemplate('recipe', 'model: echo\nprompt: |-\n  Suggest a recipe with $ingredients.\n');
    expect((await run(['-t', 'recipe', '-p', 'ingredients', 'eggs'])).stdout).toBe('Turn 1\nPrompt: Suggest a recipe with eggs.\n');
    expect((await run(['-t', 'recipe', '-p', 'ingredients', 'eggs', 'Make it vegan'])).stdout).toBe('Turn 1\nPrompt: Suggest a recipe with eggs.\nMake it vegan\n');
    writeTemplate('terse', 'model: echo\nsystem: Answer in $n words\ndefaults:\n  n: 5\n');
    expect((await run(['-t', 'terse'], { input: 'What is a pelican?' })).stdout).toBe('Turn 1\nSystem: Answer in 5 words\nPrompt: What is a pelican?\n');
  });

  it('loads a template from a path, relative to the working directory', async () => {
    mkdirSync(join(dir.path, 'project', 'prompts'), { recursive: true });
    writeFileSync(join(dir.path, 'project', 'prompts', 'shout.yml'), 'model: echo\nprompt: "Shout: $input"\noptions: { uppercase: true }\n');
    const result = await run(['-t', 'prompts/shout.yml', 'hey'], { cwd: join(dir.path, 'project') });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'Turn 1\nPrompt: SHOUT: HEY\nOptions: {"uppercase":true}\n' });
  });

  it('replaces a template only with --force', async () => {
    expect((await run(['first', '--save', 'x'])).code).toBe(0);
    const again = await run(['second', '--save', 'x']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`Error: Template 'x' already exists (${userTemplate('x')}). Add --force to replace it, or pick another name.\n`);
    expect(readFileSync(userTemplate('x'), 'utf8')).toBe('prompt: first\n');
    expect((await run(['second', '--save', 'x', '--force'])).code).toBe(0);
    expect(readFileSync(userTemplate('x'), 'utf8')).toBe('prompt: second\n');
    expect(readdirSync(templatesDir())).toEqual(['x.yaml']);
  });

  it('saves a copy of a template with its schema_object (-t NAME --save NEW)', async () => {
    writeTemplate('with-schema', 'model: echo\nprompt: Invent a $thing\ndefaults: { thing: dog }\nschema_object:\n  type: object\n  properties:\n    name: { type: string }\n  required: [name]\n');
    const result = await run(['-t', 'with-schema', '-p', 'thing', 'cat', '--save', 'copy']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(userTemplate('copy'), 'utf8')).toBe(
      'model: echo\nprompt: Invent a $thing\ndefaults:\n    thing: cat\nschema_object:\n    type: object\n    properties:\n        name:\n            type: string\n    required:\n        - name\n',
    );
  });

  it('prints only the fenced code block with extract: true', async () => {
    writeTemplate('code', 'model: echo\nprompt: "Here:\\n```sh\\nls -la\\n```\\nand\\n```\\nrm -i x\\n```\\n$input"\nextract: true\n');
    expect((await run(['-t', 'code', 'done'])).stdout).toBe('ls -la\n');
    writeTemplate('last', 'model: echo\nprompt: "Blocks:\\n```\\none\\n```\\n```\\ntwo\\n```\\n$input"\nextract_last: true\n');
    expect((await run(['-t', 'last', 'end'])).stdout).toBe('two\n');
    writeTemplate('none', 'model: echo\nprompt: "No code in $input"\nextract: true\n');
    expect((await run(['-t', 'none', 'here'])).stdout).toBe('Turn 1\nPrompt: No code in here\n');
  });

  it('a user template wins over the bundled one of the same name', async () => {
    const save = await run(['-m', 'echo', '-s', 'My own summary style', '--save', 'summarize']);
    expect(save).toMatchObject({ code: 0, stderr: "Warning: your template 'summarize' now hides the bundled template of that name\n" });
    expect((await run(['-t', 'summarize', 'text'])).stdout).toBe('Turn 1\nSystem: My own summary style\nPrompt: text\n');
  });

  it('runs every bundled template with the echo model', async () => {
    const names = readdirSync(join(repoRoot, 'templates')).map((file) => file.replace(/\.yaml$/, ''));
    expect(names).toEqual(expect.arrayContaining(['summarize', 'explain-code', 'commit-message']));
    const results = await Promise.all(names.map((name) => run(['-t', name, '-m', 'echo'], { input: 'def add(a, b): return a + b\n' })));
    for (const [index, result] of results.entries()) {
      expect({ name: names[index], code: result.code, stderr: result.stderr }).toEqual({ name: names[index], code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Turn 1\nSystem: \S[\s\S]*def add\(a, b\): return a \+ b/);
      expect(result.stdout).not.toMatch(/\$[a-z]/);
    }
  });

  it('chat -t puts every line through the template', async () => {
    writeTemplate('fr', 'model: echo\nsystem: You translate into $lang\nprompt: "Translate: $input"\ndefaults: { lang: French }\n');
    const result = await run(['chat', '-t', 'fr', '-p', 'lang', 'German'], { input: 'hello\ngood night\nexit\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Turn 1\nSystem: You translate into German\nPrompt: Translate: hello\n');
    expect(result.stdout).toContain('Turn 2\nPrompt: Translate: good night\n');
  });
});

describe('llm templates', () => {
  it('lists yours and the bundled ones with a one-line summary, truncated to the terminal width', async () => {
    writeTemplate('glados', 'system: Summarize\n  in the voice of GlaDOS\nprompt: "Text: $input"\n');
    writeTemplate('aaa', 'prompt: A prompt only\n');
    const list = await run(['templates']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['aaa            : A prompt only', 'commit-message : system: You write git commit messages. You are given a diff;...']);
    expect(lines).toContain('glados         : system: Summarize in the voice of GlaDOS prompt: Text: $input');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    expect((await run(['templates', 'list'], { env: { COLUMNS: '30' } })).stdout.split('\n')[0]).toBe('aaa            : A prompt only');
    expect((await run(['templates', 'list'], { env: { COLUMNS: '20' } })).stdout.split('\n')[0]).toBe('aaa            : ...');

    const json = JSON.parse((await run(['templates', 'list', '--json'])).stdout) as { name: string; source: string; path: string }[];
    expect(json.find((t) => t.name === 'glados')).toMatchObject({ source: 'user', path: userTemplate('glados') });
    expect(json.find((t) => t.name === 'summarize')).toMatchObject({ source: 'bundled', path: join(repoRoot, 'templates', 'summarize.yaml') });
  });

  it('skips a broken template with a warning naming it', async () => {
    writeTemplate('broken', 'prompt: "unclosed\n');
    const list = await run(['templates']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('summarize');
    expect(list.stdout).not.toContain('broken');
    expect(list.stderr).toMatch(/^Warning: skipping template 'broken': Template 'broken' is not valid YAML: Missing closing "quote at line 2, column 1 of .*broken\.yaml/);
  });

  it('shows a template as it is on disk, and prints the templates folder', async () => {
    const show = await run(['templates', 'show', 'summarize']);
    expect(show).toMatchObject({ code: 0, stderr: '', stdout: readFileSync(join(repoRoot, 'templates', 'summarize.yaml'), 'utf8') });
    expect((await run(['templates', 'show', 'nope'])).stderr).toMatch(/^Error: No template named 'nope'\./);
    expect((await run(['templates', 'path'])).stdout).toBe(`${templatesDir()}\n`);
  });

  describe('edit', () => {
    const editorScript = () => {
      const script = join(dir.path, 'editor.mjs');
      // A stand-in for $EDITOR: records what it was given, then writes TEST_EDITOR_TEXT if set.
      writeFileSync(
        script,
        [
          "import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';",
          'const file = process.argv[2];',
          "appendFileSync(process.env.TEST_EDITOR_LOG, JSON.stringify({ file, before: readFileSync(file, 'utf8') }) + '\\n');",
          'if (process.env.TEST_EDITOR_TEXT !== undefined) writeFileSync(file, process.env.TEST_EDITOR_TEXT);',
          'process.exit(Number(process.env.TEST_EDITOR_EXIT ?? 0));',
        ].join('\n'),
      );
      return `"${process.execPath}" "${script}"`;
    };
    const log = () => join(dir.path, 'editor.log');
    const edits = () => readFileSync(log(), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { file: string; before: string });

    it('creates a new template from a working skeleton and opens $EDITOR on it', async () => {
      const result = await run(['templates', 'edit', 'recipe'], { env: { EDITOR: editorScript(), TEST_EDITOR_LOG: log(), TEST_EDITOR_TEXT: 'model: echo\nprompt: Recipe with $input\n' } });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(edits()).toEqual([{ file: userTemplate('recipe'), before: expect.stringContaining('\nprompt: $input\n') }]);
      expect((await run(['-t', 'recipe', 'eggs'])).stdout).toBe('Turn 1\nPrompt: Recipe with eggs\n');
    });

    it('falls back to $VISUAL, and the untouched skeleton is a usable template', async () => {
      const result = await run(['templates', 'edit', 'plain'], { env: { EDITOR: '', VISUAL: editorScript(), TEST_EDITOR_LOG: log() } });
      expect(result.code).toBe(0);
      expect(edits()).toHaveLength(1);
      expect((await run(['-m', 'echo', '-t', 'plain', 'as is'])).stdout).toBe('Turn 1\nPrompt: as is\n');
    });

    it('copies a bundled template before editing it, so your copy wins', async () => {
      const result = await run(['templates', 'edit', 'translate'], { env: { EDITOR: editorScript(), TEST_EDITOR_LOG: log() } });
      expect(result.code).toBe(0);
      expect(edits()[0]!.before).toBe(readFileSync(join(repoRoot, 'templates', 'translate.yaml'), 'utf8'));
      expect(readFileSync(userTemplate('translate'), 'utf8')).toBe(edits()[0]!.before);
    });

    it('checks the template when the editor closes, and keeps the file to fix', async () => {
      const result = await run(['templates', 'edit', 'bad'], { env: { EDITOR: editorScript(), TEST_EDITOR_LOG: log(), TEST_EDITOR_TEXT: 'prompt: x\ncolour: red\n' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `Error: Template 'bad' (${userTemplate('bad')}) has an unknown key 'colour' (valid keys: model, prompt, system, defaults, extract, extract_last, schema_object, fragments, system_fragments, attachments, attachment_types, options, tools, functions). Fix it and try again (run 'llm templates edit bad').\n`,
      );
      expect(readFileSync(userTemplate('bad'), 'utf8')).toBe('prompt: x\ncolour: red\n');
    });

    it('reports an editor that fails', async () => {
      const result = await run(['templates', 'edit', 'x'], { env: { EDITOR: editorScript(), TEST_EDITOR_LOG: log(), TEST_EDITOR_EXIT: '3' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: The editor '.*editor\.mjs"' exited with code 3; .*x\.yaml is as it left it\./);
      expectOneLine(result.stderr);
    });
  });
});

describe('help', () => {
  it('lists the templates commands and the template flags, with examples', async () => {
    const help = await run(['--help']);
    for (const command of ['templates', 'templates edit', 'templates list', 'templates path', 'templates show']) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
    }
    const prompt = await run(['prompt', '--help']);
    for (const flag of ['-t, --template=NAME', '-p, --param=KEY VALUE...', '--save=NAME', '--force']) expect(prompt.stdout).toContain(flag);
    expect(prompt.stdout).toContain('git diff --staged | llm -t commit-message');
    expect((await run(['templates', 'edit', '--help'])).stdout).toContain('$EDITOR, else $VISUAL, else vi');
    expect((await run(['chat', '--help'])).stdout).toContain('-t, --template=NAME');
  });
});

describe('bad input: one line on stderr, an exit code, no stack trace', () => {
  it.each([
    ['invalid YAML, with the file and line', 'model: echo\nprompt: Summarize: $input\n', 1, /^Error: Template 'bad' is not valid YAML: Nested mappings are not allowed in compact mappings \(put text that contains ': ' in quotes, or use a \| block\) at line 2, column 9 of \S+bad\.yaml\. Fix it and try again \(run 'llm templates edit bad'\)\.\n$/],
    ['an unknown key', 'prompt: x\ntemperature: 0.5\n', 1, /^Error: Template 'bad' \(\S+\) has an unknown key 'temperature' \(valid keys: .*\)\. Fix it/],
    ['an unknown model', 'model: ehco\nprompt: x\n', 1, /^Error: Template 'bad' asks for model 'ehco', which is not available\. Did you mean 'echo'\? Pass -m MODEL/],
    ['options the model rejects', 'model: echo\nprompt: x\noptions:\n  colour: red\n', 1, /^Error: Template 'bad' has options that do not fit: Invalid options for model 'echo': unknown option 'colour'/],
    ['missing variables, every one named', 'model: echo\nsystem: You are $role\nprompt: Recipe from $country with $ingredients\n', 2, /^Error: Template 'bad' needs a value for \$country, \$ingredients, \$role: pass -p country VALUE -p ingredients VALUE -p role VALUE, or give it a default/],
    ['a schema for a model without schemas', 'model: echo\nprompt: x\nschema_object: { type: object }\n', 1, /^Error: Template 'bad' has a schema_object, but model 'echo' does not support schemas\. Pick a model that does with -m/],
    ['a stray $', 'model: echo\nprompt: Costs $5\n', 1, /has a '\$' that starts no variable in its prompt, at line 1, column 7: write \$name or \$\{name\} for a variable, \$\$ for a dollar sign/],
  ])('a template with %s', async (_what, text, code, message) => {
    writeTemplate('bad', text);
    const result = await run(['-t', 'bad', 'input']);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expectOneLine(result.stderr);
  });

  it.each([
    [['-t', 'summarise', 'x'], 1, /^Error: No template named 'summarise'\. Did you mean 'summarize'\?/],
    [['-t', './nowhere.yaml', 'x'], 1, /^Error: Template file \.\/nowhere\.yaml does not exist\./],
    [['-m', 'echo', 'x', '--save', 'a/b'], 2, /^Error: Template name 'a\/b' contains a path separator: use a plain name such as 'summarize'/],
    [['templates', 'edit', '../x'], 2, /^Error: Template name '\.\.\/x' contains a path separator/],
    [['-m', 'echo', '-p', 'voice', 'x', 'hi'], 2, /^Error: -p voice sets a template variable, but no template is given: add -t NAME/],
    [['-m', 'echo', '-t', 'summarize', '-p', 'voice'], 2, /^Error: -p takes a key and a value, e.g. -p voice GlaDOS\n$/],
    [['-m', 'echo', '--force', 'hi'], 2, /--save/],
    [['-t', 'summarize', '-m', 'echo'], 2, /^Error: Template 'summarize' has no prompt of its own, so it needs your input/],
    [['-m', 'nope', 'x', '--save', 'n'], 1, /^Error: Unknown model 'nope'/],
    [['--save', 'empty'], 2, /^Error: Nothing to save as template 'empty'/],
  ])('llm %j exits %i', async (args, code, message) => {
    const result = await run(args as string[]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expectOneLine(result.stderr);
    expect(existsSync(join(dir.path, 'x.yaml'))).toBe(false);
  });

  it('warns about -p for a variable the template does not use, and goes on', async () => {
    const result = await run(['-t', 'translate', '-m', 'echo', '-p', 'langauge', 'French', 'Hallo']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("Warning: Template 'translate' does not use -p langauge (it uses $language)\n");
    expect(result.stdout).toContain('into English.');
  });
});
