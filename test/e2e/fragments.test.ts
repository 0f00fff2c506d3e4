import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachmentWorld, sha256 } from '../helpers/attachment-world.js';
import { textReply } from '../helpers/fake-openai-server.js';
import { png } from '../helpers/media.js';

// Fragments through the built CLI: -f/--sf from files, loopback URLs, stdin, aliases, hashes and a
// plugin's loader, to the fake OpenAI server; stored once each in the Python llm's tables.

const world = attachmentWorld('llm-e2e-fragments-');
const { run, write, query } = world;

it('-f with a file, a URL, stdin and an alias: in order before the prompt; --sf before the system prompt', async () => {
  const notes = write('notes.md', 'Pelicans eat fish.');
  world.files.set('/facts.txt', { body: 'Pelicans have pouches.', type: 'text/plain' });
  write('style.txt', 'Answer in French.');
  expect(await run(['fragments', 'set', 'style', 'style.txt'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  world.server.reply(textReply('Les pélicans mangent du poisson.'));
  const result = await run(['-m', '4o-mini', '-f', notes, '-f', `${world.files.url}/facts.txt`, '-f', '-', '--sf', 'style', '-s', 'Be brief', 'Summarize'], { input: 'Pelicans fly.' });
  expect(result).toMatchObject({ code: 0, stdout: 'Les pélicans mangent du poisson.\n', stderr: '' });
  expect(world.server.chatBodies[0].messages).toEqual([
    { role: 'system', content: 'Answer in French.\n\nBe brief' },
    { role: 'user', content: 'Pelicans eat fish.\nPelicans have pouches.\nPelicans fly.\nSummarize' },
  ]);
  // The log keeps the prompt as typed and each fragment once, with its source.
  expect(query('SELECT prompt, system FROM responses')).toEqual([{ prompt: 'Summarize', system: 'Be brief' }]);
  expect(query('SELECT hash, source FROM fragments ORDER BY id')).toEqual([
    { hash: sha256('Answer in French.'), source: join(world.dir, 'style.txt') },
    { hash: sha256('Pelicans eat fish.'), source: notes },
    { hash: sha256('Pelicans have pouches.'), source: `${world.files.url}/facts.txt` },
    { hash: sha256('Pelicans fly.'), source: '-' },
  ]);
});

it('a fragment used in two prompts is one fragments row; -c sends both turns with their fragments; llm logs --json shows them, -e in full', async () => {
  const text = 'A long document about pelicans. '.repeat(4).trim();
  const doc = write('doc.md', text);
  world.server.reply(textReply('One.'), textReply('Two.'), textReply('Three.'));
  await run(['-m', '4o-mini', '-f', doc, 'first']);
  await run(['-m', '4o-mini', '-f', doc, '--sf', doc, 'second']);
  expect(query('SELECT count(*) AS n FROM fragments')).toEqual([{ n: 1 }]);
  expect(query('SELECT count(*) AS n FROM prompt_fragments')).toEqual([{ n: 2 }]);
  expect(query('SELECT count(*) AS n FROM system_fragments')).toEqual([{ n: 1 }]);
  expect((await run(['-c', 'third'])).stdout).toBe('Three.\n');
  expect(world.server.chatBodies[2].messages).toEqual([
    { role: 'system', content: text },
    { role: 'user', content: `${text}\nsecond` },
    { role: 'assistant', content: 'Two.' },
    { role: 'user', content: 'third' },
  ]);
  // As the Python llm: --json cuts a fragment's content to 100 characters, -e/--expand does not.
  const fragment = { hash: sha256(text), content: `${text.slice(0, 97)}...`, aliases: [] };
  const logs = JSON.parse((await run(['logs', '--json', '-n', '2'])).stdout) as Record<string, unknown>[];
  expect(logs[0]).toMatchObject({ prompt: 'second', prompt_fragments: [fragment], system_fragments: [fragment] });
  expect(logs[1]).toMatchObject({ prompt: 'third', prompt_fragments: [], system_fragments: [] });
  const expanded = JSON.parse((await run(['logs', '--json', '-e', '-n', '2'])).stdout) as Record<string, unknown>[];
  expect(expanded[0]).toMatchObject({ prompt_fragments: [{ ...fragment, content: text }], system_fragments: [{ ...fragment, content: text }] });
  // Markdown lists hashes; -e shows each fragment's text under its hash.
  expect((await run(['logs', '-n', '2'])).stdout).toContain(`## Prompt\n\nsecond\n\n### Prompt fragments\n\n- ${fragment.hash}\n`);
  const markdown = (await run(['logs', '--expand', '-n', '2'])).stdout;
  expect(markdown).toContain(`## Prompt\n\nsecond\n\n### Prompt fragments\n\n<details><summary>${fragment.hash}</summary>\n${text}\n</details>\n`);
  expect(markdown).toContain(`### System fragments\n\n<details><summary>${fragment.hash}</summary>\n${text}\n</details>\n`);
  // A hash works wherever -f takes a fragment.
  world.server.reply(textReply('Four.'));
  expect((await run(['-m', '4o-mini', '-f', fragment.hash, 'by hash'])).code).toBe(0);
  expect(world.server.chatBodies[3].messages[0].content).toBe(`${text}\nby hash`);
});

it('llm fragments lists, shows, aliases and removes; templates take fragments: and system_fragments:', async () => {
  write('a.txt', 'alpha text');
  write('b.txt', 'beta text');
  expect((await run(['fragments', 'set', 'alpha', 'a.txt'])).code).toBe(0);
  expect((await run(['fragments', 'set', 'beta', 'b.txt'])).code).toBe(0);
  const listed = JSON.parse((await run(['fragments', '--json'])).stdout) as { hash: string; aliases: string[]; content: string }[];
  expect(listed.map((f) => [f.content, f.aliases])).toEqual([
    ['alpha text', ['alpha']],
    ['beta text', ['beta']],
  ]);
  expect(JSON.parse((await run(['fragments', 'list', '-q', 'beta', '--json'])).stdout)).toHaveLength(1);
  expect((await run(['fragments'])).stdout).toMatch(/^- hash: [0-9a-f]{64}\n  aliases:\n    - alpha\n  datetime_utc: .*\n  source: .*a\.txt\n  content: alpha text\n- hash: /);
  expect((await run(['fragments', 'show', 'alpha'])).stdout).toBe('alpha text\n');
  expect((await run(['fragments', 'show', listed[1]!.hash])).stdout).toBe('beta text\n');
  expect(await run(['fragments', 'remove', 'alpha'])).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse((await run(['fragments', '--aliases', '--json'])).stdout)).toHaveLength(1);
  const again = await run(['fragments', 'remove', 'alpha']);
  expect(again).toMatchObject({ code: 1, stderr: "Error: No fragment alias 'alpha' to remove ('llm fragments --aliases' lists them).\n" });
  const bad = await run(['fragments', 'set', 'no spaces', 'a.txt']);
  expect(bad).toMatchObject({ code: 2, stderr: "Error: Fragment alias 'no spaces' may use only letters, digits, '_' and '-'.\n" });

  write('templates/brief.yaml', 'fragments: [beta]\nsystem_fragments: [a.txt]\nprompt: $input\n');
  world.server.reply(textReply('ok'));
  expect((await run(['-m', '4o-mini', '-t', 'brief', 'hello'])).code).toBe(0);
  expect(world.server.chatBodies[0].messages).toEqual([
    { role: 'system', content: 'alpha text' },
    { role: 'user', content: 'beta text\nhello' },
  ]);
  // --save keeps them (attachment paths made absolute, as the Python llm saves them).
  write('logo.png', png());
  expect((await run(['-m', '4o-mini', '-f', 'beta', '--sf', 'a.txt', '-a', 'logo.png', '--at', 'https://example.com/x', 'image/png', 'Describe', '--save', 'saved'])).code).toBe(0);
  expect(readFileSync(join(world.dir, 'templates', 'saved.yaml'), 'utf8')).toBe(
    `model: gpt-4o-mini\nprompt: Describe\nfragments:\n    - beta\nsystem_fragments:\n    - a.txt\nattachments:\n    - ${join(world.dir, 'logo.png')}\nattachment_types:\n    - type: image/png\n      value: https://example.com/x\n`,
  );
});

it('errors: a binary file suggests -a; an unknown reference, prefix or URL is one line', async () => {
  const image = write('photo.png', png());
  const binary = await run(['-m', '4o-mini', '-f', image, 'Hi']);
  expect(binary).toMatchObject({ code: 2, stderr: `Error: Fragment ${image} is image/png, not text: -f and --sf take text. Attach a binary file with -a ${image} instead.\n` });
  const missing = await run(['-m', '4o-mini', '-f', 'nothing-here', 'Hi']);
  expect(missing).toMatchObject({ code: 1, stderr: "Error: Fragment 'nothing-here' not found: it is not a file, a URL, or a stored hash or alias ('llm fragments' lists those).\n" });
  const prefix = await run(['-m', '4o-mini', '-f', 'nope:thing', 'Hi']);
  expect(prefix.stderr).toBe("Error: Unknown fragment prefix 'nope:' in 'nope:thing' (known prefixes: dir:; 'llm fragments loaders' describes them).\n");
  const url = await run(['-m', '4o-mini', '-f', `${world.files.url}/missing.txt`, 'Hi']);
  expect(url.stderr).toBe(`Error: Could not fetch ${world.files.url}/missing.txt: the server answered HTTP 404 Not Found.\n`);
  const twice = await run(['-m', '4o-mini', '-f', '-', '-a', '-', 'Hi'], { input: 'x' });
  expect(twice).toMatchObject({ code: 2, stderr: "Error: Only one of -a, --at, -f and --sf can read stdin ('-').\n" });
  expect(world.server.requests).toHaveLength(0);
});

it("dir: adds every text file under a folder, honouring .gitignore, and a plugin's own loader returns fragments and attachments", async () => {
  write('project/.gitignore', 'build/\n*.log\n');
  write('project/src/main.js', 'console.log("hi");\n');
  write('project/src/.gitignore', 'secret.txt\n');
  write('project/src/secret.txt', 'do not send');
  write('project/build/out.js', 'built');
  write('project/debug.log', 'noise');
  write('project/logo.png', png());
  world.server.reply(textReply('ok'));
  expect(await run(['-m', '4o-mini', '-f', 'dir:project', 'Explain'])).toMatchObject({ code: 0, stderr: '' });
  expect(world.server.chatBodies[0].messages[0].content).toBe('.gitignore\n```\nbuild/\n*.log\n```\nsrc/.gitignore\n```\nsecret.txt\n```\nsrc/main.js\n```\nconsole.log("hi");\n```\nExplain');

  // A plugin as the README shows one: a file named in .llmrc.yaml, registering a loader.
  write(
    'plugins/gh.mjs',
    `import { Attachment, Fragment } from 'llm-host';
export default {
  name: 'gh',
  apply(hooks) {
    hooks.registerFragmentLoaders.tap('gh', (register) => {
      register('gh', (argument) => {
        if (argument === 'fail') throw new Error('no such repository');
        return [new Fragment('README of ' + argument, 'gh:' + argument), 'issues of ' + argument, Attachment.fromPath(${JSON.stringify(join(world.dir, 'project', 'logo.png'))})];
      }, { description: 'Files from a GitHub repository' });
    });
  },
};
`,
  );
  write('.llmrc.yaml', 'plugins:\n  - ./plugins/gh.mjs\n');
  world.server.reply(textReply('ok'));
  expect(await run(['-m', '4o-mini', '-f', 'gh:simonw/llm', 'Explain'])).toMatchObject({ code: 0, stderr: '' });
  const content = world.server.chatBodies[1].messages[0].content;
  expect(content[0]).toEqual({ type: 'text', text: 'README of simonw/llm\nissues of simonw/llm\nExplain' });
  expect(content[1].type).toBe('image_url');
  expect(query('SELECT source FROM fragments WHERE content LIKE ? ORDER BY id'.replace('?', "'%simonw/llm'"))).toEqual([{ source: 'gh:simonw/llm' }, { source: 'gh:simonw/llm' }]);
  expect((await run(['fragments', 'loaders'])).stdout).toBe('dir:\n  Every text file under a folder, each as a fragment headed by its path; .gitignore rules and .git are skipped, and so are binary files.\n  Example: llm -f dir:src "Where is the parser?"\n  (plugin fragments-dir)\n\ngh:\n  Files from a GitHub repository\n  (plugin gh)\n');
  const failed = await run(['-m', '4o-mini', '-f', 'gh:fail', 'x']);
  expect(failed).toMatchObject({ code: 1, stderr: "Error: Could not load fragment 'gh:fail' (plugin gh): no such repository\n" });
  const system = await run(['-m', '4o-mini', '--sf', 'gh:x', 'x']);
  expect(system.stderr).toBe("Error: Fragment loader 'gh:' returned an attachment for 'gh:x', which a system fragment cannot take: use -f instead of --sf.\n");
});

it('llm chat: -f, --sf and -a go with the first line; !fragment adds fragments to a line, in !multi too; a failing one is an error and the chat goes on', async () => {
  const image = png();
  const logo = write('logo.png', image);
  write('notes.md', 'Pelicans eat fish.');
  write('style.txt', 'Answer in French.');
  write('more.md', 'Pelicans fly in lines.');
  world.files.set('/facts.txt', { body: 'Pelicans have pouches.', type: 'text/plain' });
  expect((await run(['fragments', 'set', 'notes', 'notes.md'])).code).toBe(0);
  world.server.reply(textReply('Un.'), textReply('Deux.'), textReply('Trois.'));
  const input = ['What do they eat?', `!fragment notes ${world.files.url}/facts.txt`, '!multi', 'And then?', '!fragment more.md', '!end', '!fragment nothing-here', 'exit', ''].join('\n');
  const result = await run(['chat', '-m', '4o-mini', '-f', 'notes', '--sf', 'style.txt', '-s', 'Be brief', '-a', logo], { input });
  expect(result.stdout).toContain("Type '!fragment <my_fragment> [<another_fragment> ...]' to insert one or more fragments\n");
  expect(result.stdout).toContain('> Un.\n> Deux.\n> Trois.\n> > ');
  expect(result).toMatchObject({ code: 0, stderr: "Error: Fragment 'nothing-here' not found: it is not a file, a URL, or a stored hash or alias ('llm fragments' lists those).\n" });
  const first = { role: 'user', content: [{ type: 'text', text: 'Pelicans eat fish.\nWhat do they eat?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } }] };
  expect(world.server.chatBodies[0].messages).toEqual([{ role: 'system', content: 'Answer in French.\n\nBe brief' }, first]);
  // A !fragment line alone sends its fragments; in !multi they go before that message's text.
  expect(world.server.chatBodies[1].messages.slice(1)).toEqual([first, { role: 'assistant', content: 'Un.' }, { role: 'user', content: 'Pelicans eat fish.\nPelicans have pouches.' }]);
  expect(world.server.chatBodies[2].messages.at(-1)).toEqual({ role: 'user', content: 'Pelicans fly in lines.\nAnd then?' });
  expect(world.server.requests).toHaveLength(3);
  // Logged as llm prompt logs them: each fragment once, linked to each turn that used it.
  expect(query('SELECT count(*) AS n FROM fragments')).toEqual([{ n: 4 }]);
  const logs = JSON.parse((await run(['logs', '--json', '-c'])).stdout) as { prompt: string; prompt_fragments: { content: string }[]; system_fragments: unknown[]; attachments: unknown[] }[];
  expect(logs.map((row) => [row.prompt, row.prompt_fragments.map((f) => f.content), row.system_fragments.length, row.attachments.length])).toEqual([
    ['What do they eat?', ['Pelicans eat fish.'], 1, 1],
    ['', ['Pelicans eat fish.', 'Pelicans have pouches.'], 0, 0],
    ['And then?', ['Pelicans fly in lines.'], 0, 0],
  ]);
});

it('llm chat: -f - is refused (the chat reads stdin), and an attachment the model cannot take fails before the chat starts', async () => {
  const stdin = await run(['chat', '-m', '4o-mini', '-f', '-'], { input: 'hi\n' });
  expect(stdin).toMatchObject({ code: 2, stdout: '', stderr: "Error: llm chat reads your lines from stdin, so -a, --at, -f and --sf cannot read it ('-'): give a file path instead.\n" });
  const wrong = await run(['chat', '-m', 'echo', '-a', write('a.png', png())], { input: 'hi\n' });
  expect(wrong).toMatchObject({ code: 1, stdout: '' });
  expect(wrong.stderr).toMatch(/^Error: Model 'echo' does not take attachments \(.*a\.png is image\/png\)\. Pick a model that does with -m[^\n]*\n$/);
  expect(world.server.requests).toHaveLength(0);
});
