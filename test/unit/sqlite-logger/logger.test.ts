import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqliteLogger from '../../../default-plugins/sqlite-logger/index.js';
import { writeLog } from '../../../default-plugins/sqlite-logger/log-file.js';
import { createLlm, type Llm } from '../../../src/host/llm.js';
import { withConversationOrigin } from '../../../src/models/origin.js';
import { resolvePromptTarget } from '../../../src/services/continue-conversation.js';
import { trace } from '../../../src/strategy/trace.js';
import { newId } from '../../../src/util/ids.js';
import { ScriptedModel } from '../../helpers/models.js';
import { availableEngines, openDatabase } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engines = await availableEngines();

describe.each(engines.map((engine) => [engine.name, engine] as const))('the sqlite-logger plugin on %s', (name, engine) => {
  let dir: ReturnType<typeof tempDir>;
  let warnings: string[];
  let llm: Llm;
  let model: ScriptedModel;
  let keyed: ScriptedModel;

  beforeEach(async () => {
    dir = tempDir('llm-logger-');
    warnings = [];
    model = new ScriptedModel('scripted', ['Hello', ', ', 'world']);
    keyed = new ScriptedModel('keyed', ['ok'], { needsKey: 'keyed' });
    llm = await createLlm({
      userDir: join(dir.path, 'user'),
      env: { LLM_SQLITE_ENGINE: name },
      defaultPlugins: false,
      loadInstalled: false,
      warn: (message) => warnings.push(message),
      plugins: [
        sqliteLogger,
        { name: 'models', apply: (hooks) => hooks.registerModels.tap('models', (register) => (register(model), register(keyed))) },
      ],
    });
    await llm.getModels(); // registers (and binds to this host) the models the tests prompt directly
  });
  afterEach(() => dir.remove());

  const logFile = () => join(dir.path, 'user', 'logs.db');
  const rows = (path = logFile()) => {
    const db = openDatabase(engine, path);
    try {
      return db.all<Record<string, unknown>>('SELECT * FROM responses ORDER BY rowid');
    } finally {
      db.close();
    }
  };

  it('logs every column the Python llm has, creating the user directory', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    const response = model.prompt('Three   names\nfor a pet pelican, please and thank you', { system: 'Be brief', options: { level: 2 }, schema });
    response.responseJson = { id: 'raw-1', choices: [] };
    response.resolvedModel = 'scripted-2025';
    await response.done();
    expect(warnings).toEqual([]);
    const [row] = rows();
    expect(row).toEqual({
      id: response.id,
      model: 'scripted',
      prompt: 'Three   names\nfor a pet pelican, please and thank you',
      system: 'Be brief',
      prompt_json: null,
      options_json: '{"level":2}',
      response: 'Hello, world',
      response_json: '{"id":"raw-1","choices":[]}',
      conversation_id: expect.stringMatching(/^[0-9a-z]{26}$/),
      duration_ms: expect.any(Number),
      datetime_utc: response.datetimeUtc,
      input_tokens: 53, // the scripted model counts characters
      output_tokens: 3,
      token_details: null,
      schema_id: '848bffbc260a905ad40888a4518f40ef',
      resolved_model: 'scripted-2025',
      // Ours: the request's hash, for --cache.
      request_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(row!.datetime_utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const db = openDatabase(engine, logFile());
    try {
      expect(db.all('SELECT id, name, model FROM conversations')).toEqual([
        { id: row!.conversation_id, name: 'Three names for a pet pelican, …', model: 'scripted' },
      ]);
      expect(db.get<{ content: string }>('SELECT content FROM schemas')!.content).toBe(JSON.stringify(schema));
    } finally {
      db.close();
    }
  });

  it("stores response_json condensed against the reply, as the Python llm, and llm logs --json shows it whole", async () => {
    const long = new ScriptedModel('long', ['A reply long enough ', 'to be worth a marker: pelicans, gulls, herons, terns and cormorants.']);
    const host = await createLlm({
      userDir: join(dir.path, 'user'),
      env: { LLM_SQLITE_ENGINE: name },
      defaultPlugins: false,
      loadInstalled: false,
      warn: (message) => warnings.push(message),
      plugins: [sqliteLogger, { name: 'models', apply: (hooks) => hooks.registerModels.tap('models', (register) => register(long)) }],
    });
    const text = 'A reply long enough to be worth a marker: pelicans, gulls, herons, terns and cormorants.';
    const raw = { id: 'raw-2', content: text, choices: [{ message: { content: `Quoted: ${text}` } }], odd: { $: 'a marker-shaped value' } };
    const response = (await host.getModel('long')).prompt('say it');
    response.responseJson = raw;
    await response.done();
    const [row] = rows();
    expect(JSON.parse(row!.response_json as string)).toEqual({
      id: 'raw-2',
      content: { $: `r:${response.id}` },
      choices: [{ message: { content: { $r: ['Quoted: ', { $: `r:${response.id}` }] } } }],
      odd: { $raw: { $: 'a marker-shaped value' } },
    });
    const { formatJson } = await import('../../../default-plugins/sqlite-logger/format.js');
    const [shown] = JSON.parse(formatJson([row as never])) as { response_json: unknown }[];
    expect(shown!.response_json).toEqual(raw);
  });

  it('logs a conversation under one id, its name from the first prompt', async () => {
    const conversation = model.conversation();
    await conversation.prompt('first').done();
    await conversation.prompt('second').done();
    expect(rows().map((r) => [r.prompt, r.conversation_id])).toEqual([
      ['first', conversation.id],
      ['second', conversation.id],
    ]);
  });

  it('never stores the API key', async () => {
    await keyed.prompt('hello', { key: 'sk-very-secret-value-123' }).done();
    expect(rows()).toHaveLength(1);
    expect(readFileSync(logFile()).includes('sk-very-secret')).toBe(false);
  });

  it('skips logging when logs-off exists unless forced, and logs to -d databases', async () => {
    mkdirSync(join(dir.path, 'user'), { recursive: true });
    writeFileSync(join(dir.path, 'user', 'logs-off'), '');
    await model.prompt('not logged').done();
    expect(existsSync(logFile())).toBe(false);
    await model.prompt('forced', { log: { force: true } }).done();
    const other = join(dir.path, 'other.db');
    await model.prompt('elsewhere', { log: { force: true, database: other } }).done();
    await model.prompt('skipped', { log: false }).done();
    expect(rows().map((r) => r.prompt)).toEqual(['forced']);
    expect(rows(other).map((r) => r.prompt)).toEqual(['elsewhere']);
  });

  it('leaves a corrupt log untouched, with a warning naming it', async () => {
    mkdirSync(join(dir.path, 'user'), { recursive: true });
    const garbage = Buffer.from('This is not SQLite. '.repeat(300));
    writeFileSync(logFile(), garbage);
    const response = model.prompt('hello');
    expect(await response.text()).toBe('Hello, world');
    await response.done();
    expect(warnings).toEqual([
      `this response was not logged: ${logFile()} is not a readable SQLite database (file is not a database); it was left as it is: move it aside to start a new log`,
    ]);
    expect(readFileSync(logFile()).equals(garbage)).toBe(true);
  });

  it('warns clearly when the log cannot be written', async () => {
    const { path, restore } = unwritableDirectory(dir.path);
    try {
      await model.prompt('hello', { log: { database: join(path, 'logs.db') } }).done();
    } finally {
      restore();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^this response was not logged: cannot write ${escape(join(path, 'logs.db'))} \\(.+\\): check that it and its directory are writable$`));
  });

  it('rebuilds the newest conversation, or one by id, for llm -c and --cid', async () => {
    const first = model.conversation();
    await first.prompt('one', { system: 'Be brief', options: { level: 3 } }).done();
    await first.prompt('two').done();
    await model.prompt('another conversation').done();
    // -c picks the conversation of the newest response, not the first one logged.
    const other = rows().find((r) => r.prompt === 'another conversation')!.conversation_id;
    expect((await resolvePromptTarget(llm, { continueLast: true })).conversation!.id).toBe(other);

    const byId = await resolvePromptTarget(llm, { conversationId: first.id });
    expect(byId.model).toBe(model);
    expect(byId.conversation!.id).toBe(first.id);
    const turns = byId.conversation!.responses;
    expect(await Promise.all(turns.map((t) => t.text()))).toEqual(['Hello, world', 'Hello, world']);
    expect(turns.map((t) => [t.prompt.prompt, t.prompt.system, t.prompt.options])).toEqual([
      ['one', 'Be brief', { level: 3 }],
      ['two', undefined, { level: 1 }],
    ]);
    expect(turns[0]!.id).toBe(first.responses[0]!.id);

    // The next turn sees the restored ones and is logged into the same conversation.
    await byId.conversation!.prompt('three').done();
    expect(model.calls.at(-1)!.earlierTurns).toBe(2);
    expect(rows().filter((r) => r.conversation_id === first.id).map((r) => r.prompt)).toEqual(['one', 'two', 'three']);

    const newest = await resolvePromptTarget(llm, { continueLast: true });
    expect(newest.conversation!.id).toBe(first.id);
    expect(newest.conversation!.responses).toHaveLength(3);

    const switched = await resolvePromptTarget(llm, { continueLast: true, model: 'keyed' });
    expect(switched.model).toBe(keyed);
    expect(switched.conversation!.responses).toHaveLength(3);

    await expect(resolvePromptTarget(llm, { conversationId: 'nope' })).rejects.toThrow(
      "No conversation found with id 'nope' in the log. Run 'llm logs list' to see conversation ids.",
    );
  });
  it('-c continues the newest conversation a person had: never an LLM function\'s, a trace\'s or an experiment\'s', async () => {
    const mine = model.conversation();
    await mine.prompt('mine').done();
    // Newer, but made inside a traced call (as an LLM function's or a metric's are) and an experiment run.
    await trace('an llm function', () => model.prompt('traced', { system: 'You are a judge' }).done());
    await withConversationOrigin('experiment', async () => {
      await model.prompt('experiment run').done();
      // A person's origin cannot be claimed from inside an experiment.
      await withConversationOrigin('prompt', () => model.prompt('still the experiment\'s').done());
    });
    const newest = await resolvePromptTarget(llm, { continueLast: true });
    expect(newest.conversation!.id).toBe(mine.id);
    expect(newest.conversation!.responses.map((r) => r.prompt.prompt)).toEqual(['mine']);

    const db = openDatabase(engine, logFile());
    try {
      const origins = db.all<{ prompt: string; origin: string }>(
        'SELECT responses.prompt, conversation_origins.origin FROM responses JOIN conversation_origins USING (conversation_id) ORDER BY responses.rowid',
      );
      expect(origins).toEqual([
        { prompt: 'mine', origin: 'library' },
        { prompt: 'traced', origin: 'trace' },
        { prompt: 'experiment run', origin: 'experiment' },
        { prompt: "still the experiment's", origin: 'experiment' },
      ]);
    } finally {
      db.close();
    }
    // A newer conversation the Python llm logged (it records no origin) is a person's.
    await writeLog(logFile(), engine, (log) => {
      log.run('INSERT INTO conversations (id, name, model) VALUES (?, ?, ?)', ['01pythonconversation000000', 'from python', 'scripted']);
      log.run('INSERT INTO responses (id, model, prompt, response, conversation_id, datetime_utc) VALUES (?, ?, ?, ?, ?, ?)', [newId(), 'scripted', 'from python', 'ok', '01pythonconversation000000', '2026-01-01T00:00:00']);
    });
    expect((await resolvePromptTarget(llm, { continueLast: true })).conversation!.id).toBe('01pythonconversation000000');
  });
});

/** A directory this process cannot write: chmod for normal users; root ignores modes, so a sysfs directory. */
function unwritableDirectory(base: string): { path: string; restore: () => void } {
  if (process.getuid?.() === 0) return { path: '/sys/kernel', restore: () => {} };
  const path = join(base, 'read-only');
  mkdirSync(path);
  chmodSync(path, 0o555);
  return { path, restore: () => chmodSync(path, 0o755) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
