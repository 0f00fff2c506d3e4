import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingKeyError } from '../../src/errors.js';
import { KeyStore } from '../../src/user/keys.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('KeyStore', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const needs = { id: 'gpt-4o', needsKey: 'openai', keyEnvVar: 'OPENAI_API_KEY' };

  it('writes keys.json in the Python llm format, mode 0600', async () => {
    const keys = new KeyStore(dir.path);
    await keys.set('openai', 'sk-one');
    await keys.set('other', 'sk-two');
    const file = join(dir.path, 'keys.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      '// Note': 'This file stores secret API credentials. Do not share!',
      openai: 'sk-one',
      other: 'sk-two',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await keys.names()).toEqual(['openai', 'other']);
  });

  it('resolves --key, then keys.json, then the environment', async () => {
    const keys = new KeyStore(dir.path);
    const env = { OPENAI_API_KEY: 'sk-env' };
    expect(await keys.resolve(needs, undefined, env)).toBe('sk-env');
    await keys.set('openai', 'sk-stored');
    await keys.set('work', 'sk-work');
    expect(await keys.resolve(needs, undefined, env)).toBe('sk-stored');
    expect(await keys.resolve(needs, 'work', env)).toBe('sk-work');
    expect(await keys.resolve(needs, 'sk-literal', env)).toBe('sk-literal');
  });

  it('drops the whitespace around a key, wherever it comes from', async () => {
    const keys = new KeyStore(dir.path);
    expect(await keys.resolve(needs, undefined, { OPENAI_API_KEY: 'sk-env\n' })).toBe('sk-env');
    expect(await keys.resolve(needs, ' sk-typed\r\n', {})).toBe('sk-typed');
    await expect(keys.resolve(needs, undefined, { OPENAI_API_KEY: ' \n' })).rejects.toBeInstanceOf(MissingKeyError);
    // A keys.json edited by hand (or by another tool) with a newline in a value.
    const file = join(dir.path, 'keys.json');
    writeFileSync(file, JSON.stringify({ openai: '\tsk-file\n', work: 'sk-work\n' }));
    expect(await keys.resolve(needs, undefined, {})).toBe('sk-file');
    expect(await keys.resolve(needs, 'work\n', {})).toBe('sk-work');
    expect(await keys.get('openai')).toBe('sk-file');
    await keys.set('pasted', '  sk-pasted \n');
    expect(JSON.parse(readFileSync(file, 'utf8')).pasted).toBe('sk-pasted');
  });

  it('says how to set a key when none is found', async () => {
    const keys = new KeyStore(dir.path);
    const error = await keys.resolve(needs, undefined, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingKeyError);
    expect((error as Error).message).toBe(
      "No key found for model 'gpt-4o': add one with 'llm keys set openai' or set the OPENAI_API_KEY environment variable, or pass --key.",
    );
    expect(await keys.resolve({ id: 'echo', needsKey: undefined, keyEnvVar: undefined }, undefined, {})).toBeUndefined();
  });

  it('never overwrites a corrupt keys.json', async () => {
    const file = join(dir.path, 'keys.json');
    writeFileSync(file, '{"openai": "sk-precious",');
    const keys = new KeyStore(dir.path);
    await expect(keys.set('other', 'x')).rejects.toThrow(/keys file .*keys\.json is unreadable: it is not valid JSON.*will not overwrite it/);
    await expect(keys.names()).rejects.toThrow(/unreadable/);
    expect(readFileSync(file, 'utf8')).toBe('{"openai": "sk-precious",');
  });
});
