import { SseParser, type SseEvent } from '../../default-plugins/openai/sse.js';

const encoder = new TextEncoder();

/** Parses `bytes` fed in pieces cut at `cuts` (byte offsets). */
function parse(bytes: Uint8Array, cuts: number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...parser.end());
  return events;
}

describe('SseParser', () => {
  const stream = [
    ': keep-alive',
    '',
    'data: {"content":"héllo wörld 🎉 日本語"}',
    '',
    'event: message',
    'data: first line',
    'data:second line',
    'id: 7',
    'retry: 100',
    '',
    ': a comment between events',
    'data: {"content":"€"}',
    '',
    'data: [DONE]',
    '',
    '',
  ];
  const expected: SseEvent[] = [
    { event: undefined, data: '{"content":"héllo wörld 🎉 日本語"}' },
    { event: 'message', data: 'first line\nsecond line' },
    { event: undefined, data: '{"content":"€"}' },
    { event: undefined, data: '[DONE]' },
  ];

  it.each([
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
    ['\\r', '\r'],
  ])('parses events with %s line endings, whole or cut at any single byte', (_name, eol) => {
    const bytes = encoder.encode(stream.join(eol));
    expect(parse(bytes, [])).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut++) expect(parse(bytes, [cut])).toEqual(expected);
  });

  it('parses a stream fed one byte at a time, and at two cuts anywhere', () => {
    const bytes = encoder.encode(stream.join('\r\n'));
    expect(parse(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(expected);
    for (let a = 1; a < bytes.length; a += 3) {
      for (let b = a + 1; b < bytes.length; b += 5) expect(parse(bytes, [a, b])).toEqual(expected);
    }
  });

  it('dispatches a last event that lacks the closing blank line only at the end', () => {
    const parser = new SseParser();
    expect(parser.push(encoder.encode('data: {"a":1}\n\ndata: tail'))).toEqual([{ event: undefined, data: '{"a":1}' }]);
    expect(parser.end()).toEqual([{ event: undefined, data: 'tail' }]);
  });

  it('ignores comments and fields without data, and keeps a colon inside the value', () => {
    const events = parse(encoder.encode(':only a comment\n\nevent: ping\n\ndata: a: b\n\ndata\n\n'), []);
    expect(events).toEqual([
      { event: undefined, data: 'a: b' },
      { event: undefined, data: '' },
    ]);
  });

  it('drops a byte order mark at the start', () => {
    expect(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('data: x\n\n')]), [1])).toEqual([{ event: undefined, data: 'x' }]);
  });
});
