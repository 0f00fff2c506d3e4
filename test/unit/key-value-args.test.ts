import { UsageError } from '../../src/errors.js';
import { pairKeyValueArgs, parseKeyValues } from '../../src/cli/key-value-args.js';
import { matchCommand, splitHelp } from '../../src/util/command-words.js';

describe('pairKeyValueArgs and parseKeyValues', () => {
  it('joins the two tokens after -o and splits them back', () => {
    const argv = pairKeyValueArgs(['-m', 'echo', '-o', 'temperature', '0.5', '--option', 'stop', 'a=b', 'hello'], ['-o', '--option']);
    expect(argv).toHaveLength(7);
    expect(argv.filter((token) => token.startsWith('-'))).toEqual(['-m', '-o', '--option']);
    expect(argv[argv.length - 1]).toBe('hello');
    expect(parseKeyValues([argv[3]!, argv[5]!])).toEqual({ temperature: '0.5', stop: 'a=b' });
  });

  it('leaves everything after -- alone', () => {
    expect(pairKeyValueArgs(['--', '-o', 'x'], ['-o'])).toEqual(['--', '-o', 'x']);
  });

  it('is a usage error when the value is missing', () => {
    expect(() => pairKeyValueArgs(['-o', 'temperature'], ['-o'])).toThrow(UsageError);
    expect(() => pairKeyValueArgs(['-o', 'temperature'], ['-o'])).toThrow('-o takes a key and a value, e.g. -o temperature 0.5');
  });
});

describe('matchCommand and splitHelp', () => {
  const ids = new Set(['logs', 'logs list', 'openai models']);
  const lookup = (id: string) => (ids.has(id) ? id : undefined);

  it('matches the longest run of leading words', () => {
    expect(matchCommand(['logs', 'list', '-n', '3'], lookup)).toEqual({ command: 'logs list', id: 'logs list', argv: ['-n', '3'] });
    expect(matchCommand(['logs', '-n', '3'], lookup)?.id).toBe('logs');
    expect(matchCommand(['logs', 'backup', 'x.db'], lookup)).toEqual({ command: 'logs', id: 'logs', argv: ['backup', 'x.db'] });
    expect(matchCommand(['openai'], lookup)).toBeUndefined();
    expect(matchCommand(['tell me a joke'], lookup)).toBeUndefined();
  });

  it('finds --help and -h before --', () => {
    expect(splitHelp(['models', '--help'])).toEqual({ help: true, argv: ['models'] });
    expect(splitHelp(['-h'])).toEqual({ help: true, argv: [] });
    expect(splitHelp(['--', '--help'])).toEqual({ help: false, argv: ['--', '--help'] });
  });
});
