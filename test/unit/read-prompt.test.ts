import { Readable } from 'node:stream';
import { UsageError } from '../../src/errors.js';
import { readInput, readPrompt } from '../../src/services/read-prompt.js';

function stdin(text: string | undefined): NodeJS.ReadStream {
  const stream = Readable.from(text === undefined ? [] : [Buffer.from(text)]) as unknown as NodeJS.ReadStream;
  (stream as { isTTY?: boolean }).isTTY = text === undefined;
  return stream;
}

describe('readPrompt', () => {
  it('joins words from the command line', async () => {
    expect(await readPrompt(['hello', 'world'], stdin(undefined))).toBe('hello world');
  });

  it('puts piped stdin first', async () => {
    expect(await readPrompt(['explain'], stdin('some code'))).toBe('some code explain');
    expect(await readPrompt(['explain'], stdin('line 1\nline 2\n'))).toBe('line 1\nline 2\nexplain');
    expect(await readPrompt([], stdin('just stdin\n'))).toBe('just stdin\n');
  });

  it('keeps multi-byte characters split across chunks intact', async () => {
    const bytes = Buffer.from('héllo ✓');
    const stream = Readable.from([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]) as unknown as NodeJS.ReadStream;
    expect(await readPrompt([], stream)).toBe('héllo ✓');
  });

  it('is a usage error when there is no prompt at all', async () => {
    await expect(readPrompt([], stdin(''))).rejects.toThrow(UsageError);
    await expect(readPrompt(['  '], stdin(undefined))).rejects.toThrow(/No prompt given/);
  });
});

describe('readInput', () => {
  it('is the same text as readPrompt, but empty when there is none', async () => {
    expect(await readInput(['explain'], stdin('line 1\n'))).toBe('line 1\nexplain');
    expect(await readInput([], stdin(''))).toBe('');
    expect(await readInput([], stdin(undefined))).toBe('');
  });
});
