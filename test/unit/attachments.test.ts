import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachmentPart } from '../../default-plugins/openai/attachment-parts.js';
import { OPENAI_MODELS } from '../../default-plugins/openai/catalog.js';
import { buildRequestBody } from '../../default-plugins/openai/request-body.js';
import { LlmError } from '../../src/errors.js';
import { Attachment } from '../../src/models/attachment.js';
import { detectType, normalizeType } from '../../src/models/detect-type.js';
import { Model, type ExecuteContext } from '../../src/models/model.js';
import { Prompt } from '../../src/models/prompt.js';
import { validator } from '../helpers/fake-openai-server.js';
import { FileServer } from '../helpers/file-server.js';
import { mp3, pdf, png, wav } from '../helpers/media.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-attach-')));
afterEach(() => dir.remove());

/** A plugin's model as an outsider writes one: it takes PNGs and reads them however they came. */
class ImageModel extends Model {
  readonly id = 'image-reader';
  override readonly attachmentTypes = new Set(['image/png']);
  readonly seen: { type: string; size: number; base64: string; url: string | undefined }[] = [];

  async *execute(prompt: Prompt, _context: ExecuteContext): AsyncIterable<string> {
    for (const attachment of prompt.attachments) {
      const bytes = await attachment.bytes();
      this.seen.push({ type: await attachment.resolveType(), size: bytes.length, base64: await attachment.base64(), url: attachment.url });
    }
    yield `${prompt.attachments.length} images`;
  }
}

describe('Attachment', () => {
  it('detects types from magic bytes, not names, in the Python llm spelling', async () => {
    expect(await detectType(png())).toBe('image/png');
    expect(await detectType(wav())).toBe('audio/wav');
    expect(await detectType(pdf())).toBe('application/pdf');
    expect(await detectType(Buffer.from('plain text'))).toBeUndefined();
    const misnamed = join(dir.path, 'really-a-png.pdf');
    writeFileSync(misnamed, png());
    expect(await Attachment.fromPath(misnamed).resolveType()).toBe('image/png');
    expect(normalizeType('Audio/Wave; codecs=1')).toBe('audio/wav');
    expect(await Attachment.fromBytes(wav(), 'audio/x-wav').resolveType()).toBe('audio/wav');
  });

  it("has the Python llm's ids: SHA-256 of the bytes, or of json.dumps({'url': ...}) for a URL", async () => {
    const image = png();
    const path = join(dir.path, 'a.png');
    writeFileSync(path, image);
    const digest = createHash('sha256').update(image).digest('hex');
    expect(await Attachment.fromPath(path).id()).toBe(digest);
    expect(await Attachment.fromBytes(image).id()).toBe(digest);
    // hashlib.sha256(json.dumps({"url": URL}).encode("utf-8")).hexdigest(), computed with Python 3.
    expect(await Attachment.fromUrl('https://static.simonwillison.net/static/2024/pelicans.jpg').id()).toBe('a0bb4b828a01b065efc88962aed8b0e8b7bb7da7b0524dfa13b21b7a5ea8063e');
    expect(() => new Attachment({ path, url: 'https://x' })).toThrow('exactly one of path, url or content');
    expect(() => Attachment.fromUrl('ftp://x/y.png')).toThrow(/must start with http:\/\/ or https:\/\//);
  });

  it("reaches a plugin's model the same way from a path, a URL and bytes; a type it does not take fails before execute()", async () => {
    const files = await FileServer.start({ '/c.png': { body: png(3, 3), type: 'image/png' } });
    try {
      const model = new ImageModel();
      const path = join(dir.path, 'a.png');
      writeFileSync(path, png(1, 1));
      const response = model.prompt('look', { attachments: [Attachment.fromPath(path), Attachment.fromBytes(png(2, 2)), Attachment.fromUrl(`${files.url}/c.png`)], log: false });
      expect(await response.text()).toBe('3 images');
      expect(model.seen.map((s) => [s.type, s.size, Buffer.from(s.base64, 'base64').length, s.url])).toEqual([
        ['image/png', png(1, 1).length, png(1, 1).length, undefined],
        ['image/png', png(2, 2).length, png(2, 2).length, undefined],
        ['image/png', png(3, 3).length, png(3, 3).length, `${files.url}/c.png`],
      ]);
      const refused = model.prompt('listen', { attachments: [Attachment.fromBytes(wav())], log: false });
      await expect(refused.text()).rejects.toThrow(new LlmError("Model 'image-reader' does not take audio/wav attachments (1644 bytes); it takes image/png. Pick another model with -m, or another file."));
      expect(model.seen).toHaveLength(3);
    } finally {
      await files.close();
    }
  });
});

describe('the OpenAI request with attachments', () => {
  const spec = OPENAI_MODELS.find((m) => m.id === 'gpt-4o')!;

  it('is valid against OpenAI’s schema for images (file and URL), audio and PDFs', async () => {
    const attachments = [Attachment.fromBytes(png()), Attachment.fromUrl('https://example.com/bird.png', 'image/png'), Attachment.fromBytes(wav()), Attachment.fromBytes(mp3()), Attachment.fromBytes(pdf())];
    const prompt = new Prompt('Describe all of these', { id: 'gpt-4o' } as Model, { attachments });
    const parts = new Map<Attachment, Awaited<ReturnType<typeof attachmentPart>>>();
    for (const attachment of attachments) parts.set(attachment, await attachmentPart(attachment));
    for (const stream of [true, false]) {
      const body = buildRequestBody(spec, prompt, undefined, stream, parts);
      expect(validator().check('CreateChatCompletionRequest', body)).toEqual([]);
      expect((body.messages as { content: { type: string }[] }[])[0]!.content.map((p) => p.type)).toEqual(['text', 'image_url', 'image_url', 'input_audio', 'input_audio', 'file']);
    }
    expect(parts.get(attachments[1]!)).toEqual({ type: 'image_url', image_url: { url: 'https://example.com/bird.png' } });
    expect(parts.get(attachments[2]!)).toMatchObject({ input_audio: { format: 'wav' } });
    expect(parts.get(attachments[3]!)).toEqual({ type: 'input_audio', input_audio: { data: mp3().toString('base64'), format: 'mp3' } });
  });
});
