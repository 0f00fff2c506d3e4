import { join } from 'node:path';
import { readLog, writeLog } from '../../../default-plugins/sqlite-logger/log-file.js';
import { listResponses } from '../../../default-plugins/sqlite-logger/queries.js';
import { ftsQuery, likePattern, searchTerms } from '../../../default-plugins/sqlite-logger/search.js';
import { availableEngines } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engines = await availableEngines();

describe('search terms', () => {
  it('keeps quoted phrases, splits the rest into words, and quotes everything for FTS5', () => {
    expect(searchTerms('  pelican "pet names"  x-ray ')).toEqual(['pelican', 'pet names', 'x-ray']);
    expect(searchTerms('"unbalanced')).toEqual(['"unbalanced']);
    expect(ftsQuery(['pet names', 'say "hi"'])).toBe('"pet names" "say ""hi"""');
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});

describe.each(engines.map((engine) => [engine.name, engine] as const))('llm logs -q on %s', (_name, engine) => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  beforeAll(async () => {
    dir = tempDir('llm-search-');
    path = join(dir.path, 'logs.db');
    const rows = [
      ['a', 'Names for a pet pelican', 'Percy and Gulliver'],
      ['b', 'What is an x-ray?', 'A kind of light: "radiation".'],
      ['c', "It's 50% off (NOT a deal?)", 'col:value and *stars* and ^caret'],
      ['d', 'pelican pelican pelican', 'all about pelicans: pelican'],
    ];
    await writeLog(path, engine, (db) => {
      db.run("INSERT INTO conversations VALUES ('c1', 'test', 'echo')");
      rows.forEach(([id, prompt, response], index) =>
        db.run("INSERT INTO responses (id, model, prompt, response, conversation_id, datetime_utc, options_json) VALUES (?, 'echo', ?, ?, 'c1', ?, '{}')", [
          `0${index}${id}`,
          prompt!,
          response!,
          `2025-01-0${index + 1}T00:00:00.000000+00:00`,
        ]),
      );
    });
  });
  afterAll(() => dir.remove());

  const search = (text: string, count = 0) => readLog(path, engine, (db, info) => listResponses(db, info, { search: text, count }).map((r) => r.id));

  it.each([
    ['-', []],
    ['?', []],
    ['*', []],
    ['"', []],
    ["'", []],
    ['NOT', ['02c']],
    ['AND OR NEAR', []],
    ['x-ray', ['01b']],
    ['ray?', ['01b']],
    ['"pet pelican"', ['00a']],
    ['col:value', ['02c']],
    ['stars*', ['02c']],
    ['^caret', ['02c']],
    ["it's (NOT", ['02c']],
    ['"radiation".', ['01b']],
  ])('searching for %j never fails and finds %j', async (text, expected) => {
    const found = await search(text);
    if (engine.hasFts5) {
      expect(found.sort()).toEqual([...expected].sort());
    } else {
      // LIKE matches substrings, so it finds at least what FTS5 finds (and "-" etc. literally).
      expect(found).toEqual(expect.arrayContaining(expected));
    }
  });

  it('shows the best matches last, the newest last without ranking', async () => {
    const found = await search('pelican', 2);
    expect(found).toHaveLength(2);
    expect(found.sort()).toEqual(['00a', '03d']);
    if (engine.hasFts5) expect((await search('pelican')).at(-1)).toBe('03d');
  });

  it('says so when there is nothing to search for', async () => {
    await expect(search('   ')).rejects.toThrow(/^Nothing to search for: give -q some words\.$/);
    await expect(search('""')).rejects.toThrow(/^Nothing to search for/);
  });
});
