import { extractFencedCode } from '../../../src/util/fenced-code.js';

describe('extractFencedCode', () => {
  const reply = 'Here you go:\n```bash\nls -la\n```\nOr:\n````\nfind . -size +100M\n````\nDone.';

  it('takes the first block, or the last', () => {
    expect(extractFencedCode(reply)).toBe('ls -la\n');
    expect(extractFencedCode(reply, { last: true })).toBe('find . -size +100M\n');
  });

  it('needs a closing fence of the same length at the start of a line', () => {
    expect(extractFencedCode('````\na\n```\nb\n````')).toBe('a\n```\nb\n');
    expect(extractFencedCode('text ```not a fence```')).toBeUndefined();
    expect(extractFencedCode('```\nunclosed')).toBeUndefined();
  });

  it('accepts a block at the very end of the text', () => {
    expect(extractFencedCode('```js\nx()\n```')).toBe('x()\n');
  });
});
