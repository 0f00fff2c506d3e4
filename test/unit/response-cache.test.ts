import echoPlugin from '../../default-plugins/echo/index.js';
import sqliteLogger from '../../default-plugins/sqlite-logger/index.js';
import { createLlm } from '../../src/host/llm.js';
import { parseCacheTtl, parseDuration, withResponseCache } from '../../src/models/response-cache.js';
import { UsageError } from '../../src/errors.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';
import { join } from 'node:path';

const engines = await availableEngines();

describe('parseDuration', () => {
  it('reads an age with a unit, and nothing else', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    for (const bad of ['7', 'd', '7 days', '-1d', '']) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe('parseCacheTtl', () => {
  it('gives milliseconds, or a usage error naming the ages it takes', () => {
    expect(parseCacheTtl('12h')).toBe(43_200_000);
    expect(() => parseCacheTtl('12 hours')).toThrow(new UsageError("--cache-ttl takes an age with a unit: 30s, 15m, 12h, 7d or 2w (got '12 hours')."));
    expect(() => parseCacheTtl('12 hours')).toThrow(UsageError);
  });
});

describe.each(engines.map((e) => e.name))('the response cache on %s', (engine) => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('answers the same request from the log, reusing its row; another option, system prompt or salt is another request', async () => {
    const llm = await createLlm({ userDir: dir.path, env: { LLM_SQLITE_ENGINE: engine }, defaultPlugins: false, loadInstalled: false, plugins: [echoPlugin, sqliteLogger] });
    const model = await llm.getModel('echo');
    const first = model.prompt('hello', { system: 'be brief' });
    await first.done();
    expect(first.cached).toBe(false);
    expect(first.requestHash).toMatch(/^[0-9a-f]{64}$/);

    const again = model.prompt('hello', { system: 'be brief', cache: true });
    expect(await again.text()).toBe(await first.text());
    await again.done();
    expect(again).toMatchObject({ cached: true, id: first.id, requestHash: first.requestHash });
    // Without --cache the request is sent (and logged) as always.
    const uncached = model.prompt('hello', { system: 'be brief' });
    await uncached.done();
    expect(uncached.cached).toBe(false);
    for (const other of [model.prompt('hello', { system: 'be long', cache: true }), withResponseCache({ enabled: true, salt: 'run:1' }, () => model.prompt('hello', { system: 'be brief' }))]) {
      await other.done();
      expect(other.cached).toBe(false);
      expect(other.requestHash).not.toBe(first.requestHash);
    }
    // The newest answer wins, within the ttl too.
    const newest = model.prompt('hello', { system: 'be brief', cache: { ttlMs: 3_600_000 } });
    await newest.done();
    expect(newest).toMatchObject({ cached: true, id: uncached.id });

    const db = openDatabase(engines.find((e) => e.name === engine)!, join(dir.path, 'logs.db'));
    try {
      expect(db.all('SELECT COUNT(*) AS n FROM responses')).toEqual([{ n: 4 }]);
      expect(db.all('SELECT COUNT(*) AS n FROM responses WHERE request_hash = ?', [first.requestHash!])).toEqual([{ n: 2 }]);
      expect(db.all("SELECT name FROM sqlite_master WHERE name = 'idx_responses_request_hash'")).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
