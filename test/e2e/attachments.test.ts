import { join } from 'node:path';
import { attachmentWorld, sha256 } from '../helpers/attachment-world.js';
import { textReply } from '../helpers/fake-openai-server.js';
import { pdf, png, wav } from '../helpers/media.js';

// Attachments through the built CLI: -a/--at from files, URLs and stdin, to the fake OpenAI server
// (every request checked against OpenAI's schema), logged in the Python llm's tables.

const world = attachmentWorld('llm-e2e-attach-');
const { run, write, query } = world;

const expectOneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('attachments reach the request in the right content part', () => {
  it('a PNG file as an image_url data URL, after the text', async () => {
    const image = png();
    const path = write('pelican.png', image);
    world.server.reply(textReply('An orange square.'));
    expect(await run(['-m', '4o-mini', '-a', path, 'Describe this'])).toMatchObject({ code: 0, stdout: 'An orange square.\n', stderr: '' });
    expect(world.server.chatBodies[0].messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Describe this' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } }] },
    ]);
  });

  it('a WAV from stdin (-a -) as input_audio, for an audio model', async () => {
    const audio = wav();
    world.server.reply(textReply('A tone.'));
    expect(await run(['-m', 'gpt-4o-audio-preview', '-a', '-', 'What is this?'], { input: audio })).toMatchObject({ code: 0, stdout: 'A tone.\n' });
    expect(world.server.chatBodies[0].messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'input_audio', input_audio: { data: audio.toString('base64'), format: 'wav' } },
    ]);
  });

  it('a PDF as a file part named by its hash; --at gives a type the content does not show', async () => {
    const document = pdf();
    const path = write('report.pdf', document);
    const raw = write('photo.bin', png());
    world.server.reply(textReply('A report.'));
    expect((await run(['-m', '4o', '-a', path, '--at', raw, 'image/png', 'Summarize'])).code).toBe(0);
    const [text, filePart, imagePart] = world.server.chatBodies[0].messages[0].content;
    expect(text).toEqual({ type: 'text', text: 'Summarize' });
    expect(filePart).toEqual({ type: 'file', file: { filename: `${sha256(document)}.pdf`, file_data: `data:application/pdf;base64,${document.toString('base64')}` } });
    expect(imagePart.type).toBe('image_url');
  });

  it('an image URL is sent as the URL; only its first bytes are read, to tell its type', async () => {
    world.files.set('/bird.png', { body: png(64, 64), type: 'image/png' });
    world.server.reply(textReply('A bird.'));
    expect((await run(['-m', '4o-mini', '-a', `${world.files.url}/bird.png`, 'What is it?'])).code).toBe(0);
    expect(world.server.chatBodies[0].messages[0].content[1]).toEqual({ type: 'image_url', image_url: { url: `${world.files.url}/bird.png` } });
    expect(world.files.requests).toEqual([{ method: 'GET', path: '/bird.png', range: 'bytes=0-4099' }]);
  });

  it('an audio URL is fetched, since the API takes audio only as base64', async () => {
    const audio = wav(4000);
    world.files.set('/call.wav', { body: audio, type: 'audio/wav' });
    world.server.reply(textReply('Heard.'));
    expect((await run(['-m', 'gpt-4o-mini-audio-preview', '-a', `${world.files.url}/call.wav`, 'Transcribe'])).code).toBe(0);
    expect(world.server.chatBodies[0].messages[0].content[1].input_audio).toEqual({ data: audio.toString('base64'), format: 'wav' });
  });
});

describe('attachments the model cannot take fail before any request', () => {
  it('a WAV for a vision model: one line listing the types the model takes', async () => {
    const result = await run(['-m', '4o-mini', '-a', write('tone.wav', wav()), 'Hi']);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/Model 'gpt-4o-mini' does not take audio\/wav attachments \(.*tone\.wav\); it takes application\/pdf, image\/gif, image\/jpeg, image\/png, image\/webp/);
    expect(world.server.requests).toHaveLength(0);
  });

  it('any attachment for a model that takes none', async () => {
    const result = await run(['-m', 'echo', '-a', write('a.png', png()), 'Hi']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/Model 'echo' does not take attachments \(.*a\.png is image\/png\)/);
  });

  it('a missing file, an unknown type, a bad --at, a URL that fails or is too big: clear one-line errors', async () => {
    const missing = await run(['-m', '4o-mini', '-a', join(world.dir, 'nope.png'), 'Hi']);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toMatch(/Attachment .*nope\.png does not exist\. Check the path given to -a\./);
    const text = await run(['-m', '4o-mini', '-a', write('notes.txt', Buffer.from('just text')), 'Hi']);
    expect(text.stderr).toMatch(/Could not tell the type of attachment .*notes\.txt from its content\. Give it with --at .*notes\.txt MIMETYPE/);
    const badType = await run(['-m', '4o-mini', '--at', 'x.png', 'png', 'Hi']);
    expect(badType).toMatchObject({ code: 2 });
    expect(badType.stderr).toMatch(/'png' is not a MIME type like image\/png/);
    const lonely = await run(['-m', '4o-mini', '--at', 'x.png']);
    expect(lonely.stderr).toMatch(/--at takes a path, URL or - and a MIME type, e\.g\. --at photo\.bin image\/jpeg/);
    const gone = await run(['-m', '4o-mini', '-a', `${world.files.url}/gone.png`, 'Hi']);
    expect(gone.stderr).toMatch(new RegExp(`Could not fetch ${world.files.url}/gone.png: the server answered HTTP 404`));
    world.files.set('/big.wav', { body: wav(20_000), type: 'audio/wav' });
    const big = await run(['-m', 'gpt-4o-audio-preview', '-a', `${world.files.url}/big.wav`, 'Hi'], { env: { LLM_FETCH_MAX_BYTES: '1000' } });
    expect(big.stderr).toMatch(/Could not fetch .*big\.wav: it is 40044 bytes, more than the limit of 1000 \(set LLM_FETCH_MAX_BYTES to allow more\)/);
    for (const result of [missing, text, badType, lonely, gone, big]) expectOneLine(result.stderr);
    expect(world.server.requests).toHaveLength(0);
  });
});

describe('attachments in the log', () => {
  it('the same image in two prompts is one attachments row (from a path or from stdin); a URL is stored as its URL', async () => {
    const image = png();
    const path = write('same.png', image);
    world.files.set('/remote.png', { body: png(3, 3), type: 'image/png' });
    await run(['-m', '4o-mini', '-a', path, 'first']);
    await run(['-m', '4o-mini', '-a', path, '-a', `${world.files.url}/remote.png`, 'second']);
    await run(['-m', '4o-mini', '-a', '-', 'third'], { input: image });
    const attachments = query<{ id: string; type: string; path: string | null; url: string | null; size: number | null }>(
      'SELECT id, type, path, url, length(content) AS size FROM attachments ORDER BY rowid',
    );
    expect(attachments).toEqual([
      { id: sha256(image), type: 'image/png', path, url: null, size: null },
      { id: sha256(JSON.stringify({ url: `${world.files.url}/remote.png` }).replace('":"', '": "')), type: 'image/png', path: null, url: `${world.files.url}/remote.png`, size: null },
    ]);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM prompt_attachments')).toEqual([{ n: 4 }]);
  });

  it('-c sends the conversation attachments again; llm logs lists them, as Markdown and JSON', async () => {
    const image = png();
    const path = write('chart.png', image);
    world.server.reply(textReply('A chart.'), textReply('Orange.'));
    await run(['-m', '4o-mini', '-a', path, 'What is this?']);
    expect((await run(['-c', 'Which colour?'])).stdout).toBe('Orange.\n');
    expect(world.server.chatBodies[1].messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } }] },
      { role: 'assistant', content: 'A chart.' },
      { role: 'user', content: 'Which colour?' },
    ]);
    const logs = JSON.parse((await run(['logs', '--json', '-n', '2'])).stdout) as { prompt: string; attachments: object[] }[];
    expect(logs.map((row) => row.attachments)).toEqual([[{ id: sha256(image), type: 'image/png', path, url: null, content: null, content_length: null }], []]);
    const markdown = (await run(['logs', '-n', '2'])).stdout;
    expect(markdown).toContain(`### Attachments\n\n1. **image/png**: \`${path}\`\n`);
  });
});
