import { createHash } from 'node:crypto';
import { blake2b, pythonJsonDumps, schemaId } from '../../../default-plugins/sqlite-logger/schema-id.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('BLAKE2b', () => {
  it('matches RFC 7693 and Node for 64-byte digests, across block boundaries', () => {
    // RFC 7693, appendix A: BLAKE2b-512("abc").
    expect(hex(blake2b(new TextEncoder().encode('abc')))).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    );
    for (const length of [0, 1, 127, 128, 129, 256, 1000]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);
      expect(hex(blake2b(data))).toBe(createHash('blake2b512').update(data).digest('hex'));
    }
  });

  it("gives the Python llm's 16-byte digests (values from Python's hashlib.blake2b(digest_size=16))", () => {
    expect(hex(blake2b(new TextEncoder().encode('abc'), 16))).toBe('cf4ab791c62b8d2b2109c90275287816');
  });
});

describe('schemaId', () => {
  it('hashes the compact, ASCII-escaped JSON exactly as the Python llm (make_schema_id)', () => {
    // Both ids computed with Python 3.11: hashlib.blake2b(json.dumps(s, separators=(",", ":")).encode(), digest_size=16).
    const person = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    expect(schemaId(person)).toEqual({
      id: '848bffbc260a905ad40888a4518f40ef',
      json: '{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}',
    });
    const unicode = { type: 'object', properties: { name: { type: 'string', description: 'Café ☕' } } };
    expect(schemaId(unicode).id).toBe('5945d74b26ea732334c4c33d117b2672');
    expect(pythonJsonDumps(unicode)).toContain('"Caf\\u00e9 \\u2615"');
    expect(pythonJsonDumps({ emoji: '😀' })).toBe('{"emoji":"\\ud83d\\ude00"}');
  });
});
