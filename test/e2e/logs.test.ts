import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// The sqlite-logger default plugin through the built CLI: logging, llm logs, continue mode, and
// the failure policy. Each engine's concurrency and crash safety: logs-concurrency.test.ts.

const [engine] = await availableEngines(); // the one the CLI picks by default here

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-logs-')));
afterEach(() => dir.remove());

const run = (args: string[], options: Parameters<typeof runCli>[2] = {}) => runCli(args, dir.path, options);
const logFile = () => join(dir.path, 'logs.db');
const responses = (path = logFile()) => {
  const db = openDatabase(engine!, path);
  try {
    return db.all<{ id: string; prompt: string; conversation_id: string; model: string }>('SELECT id, prompt, conversation_id, model FROM responses ORDER BY rowid');
  } finally {
    db.close();
  }
};

/** What llm logs status says about hard links on sql.js, as a regular expression. */
const SQLJS_LINK_NOTE = 'Note: sql\\.js writes the log by replacing the file, which breaks hard links to it \\(symbolic links are fine\\)\\.\\n';

describe('logging and llm logs', () => {
  it('logs each prompt and lists the newest as Markdown, JSON or just the response', async () => {
    expect(await run(['-m', 'echo', '-s', 'Be brief', 'first prompt'])).toMatchObject({ code: 0, stderr: '' });
    for (const word of ['second', 'third', 'fourth']) expect((await run(['-m', 'echo', `${word} prompt`])).code).toBe(0);
    const logged = responses();
    expect(logged.map((r) => r.prompt)).toEqual(['first prompt', 'second prompt', 'third prompt', 'fourth prompt']);

    const list = await run(['logs']);
    expect(list.code).toBe(0);
    const headings = list.stdout.match(/^# \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d {4}conversation: [0-9a-z]{26} id: [0-9a-z]{26}$/gm);
    expect(headings).toHaveLength(3);
    expect(list.stdout).toContain(`id: ${logged[3]!.id}\n\nModel: **echo**\n\n## Prompt\n\nfourth prompt\n\n## Response\n\nTurn 1\nPrompt: fourth prompt\n\n`);
    expect(list.stdout.indexOf('second prompt')).toBeLessThan(list.stdout.indexOf('fourth prompt'));
    expect(list.stdout).not.toContain('first prompt');

    const all = JSON.parse((await run(['logs', 'list', '-n', '0', '--json'])).stdout) as Record<string, unknown>[];
    expect(all).toHaveLength(4);
    expect(all[0]).toMatchObject({ prompt: 'first prompt', system: 'Be brief', model: 'echo', options_json: {}, conversation_name: 'first prompt' });
    expect((await run(['logs', '-r'])).stdout).toBe('Turn 1\nPrompt: fourth prompt\n');
    expect((await run(['logs', '-n', '1', '-u'])).stdout).toContain('## Token usage\n\n2 input, 5 output\n');
  });

  it('searches with -q, whatever the text, and filters by model', async () => {
    await run(['-m', 'echo', 'Names for a pet pelican']);
    await run(['-m', 'echo', 'What is an x-ray?']);
    const found = await run(['logs', '-q', 'pelican', '--json']);
    expect((JSON.parse(found.stdout) as { prompt: string }[]).map((r) => r.prompt)).toEqual(['Names for a pet pelican']);
    // FTS5 query syntax is searched for as text (test/unit/sqlite-logger/search.test.ts tries more, on every engine).
    for (const text of ['-', '"', 'a AND (b*']) expect(await run(['logs', '-q', text])).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse((await run(['logs', '-q', 'x-ray?', '--json'])).stdout)).toHaveLength(1);
    expect(JSON.parse((await run(['logs', '-m', 'nope', '--json'])).stdout)).toEqual([]);
    expect(JSON.parse((await run(['logs', '-m', 'echo', '--json'])).stdout)).toHaveLength(2);
  });

  it('follows logs off / on, --log and --no-log, and -d', async () => {
    expect((await run(['logs', 'off'])).code).toBe(0);
    expect(existsSync(join(dir.path, 'logs-off'))).toBe(true);
    await run(['-m', 'echo', 'not logged']);
    expect(existsSync(logFile())).toBe(false);
    expect((await run(['logs', 'status'])).stdout).toMatch(/^Logging is OFF\n/);
    await run(['-m', 'echo', '--log', 'forced']);
    expect((await run(['logs', 'on'])).code).toBe(0);
    await run(['-m', 'echo', '--no-log', 'skipped']);
    await run(['-m', 'echo', 'logged']);
    expect(responses().map((r) => r.prompt)).toEqual(['forced', 'logged']);
    const other = join(dir.path, 'other.db');
    await run(['-m', 'echo', '-d', other, 'elsewhere']);
    expect(responses(other).map((r) => r.prompt)).toEqual(['elsewhere']);
    expect(JSON.parse((await run(['logs', '-d', other, '--json'])).stdout)).toHaveLength(1);
  });

  it('reports status, path and makes backups', async () => {
    await run(['-m', 'echo', 'hello']);
    const status = await run(['logs', 'status']);
    expect(status.stdout).toMatch(
      new RegExp(
        `^Logging is ON for all prompts\\nSQLite engine:\\t+${engine!.name.replace('.', '\\.')} \\(SQLite [\\d.]+, [^)]+\\)\\nFound log database at ${logFile()}\\nNumber of conversations logged:\\t1\\nNumber of responses logged:\\t1\\nDatabase file size: \\t\\t[\\d.]+KB\\n${engine!.name === 'sql.js' ? SQLJS_LINK_NOTE : ''}$`,
      ),
    );
    expect((await run(['logs', 'path'])).stdout).toBe(`${logFile()}\n`);
    const backup = join(dir.path, 'backup.db');
    expect((await run(['logs', 'backup', backup])).stdout).toMatch(new RegExp(`^Backed up [\\d.]+KB to ${backup}\\n$`));
    expect(responses(backup).map((r) => r.prompt)).toEqual(['hello']);
    const again = await run(['logs', 'backup', backup]);
    expect(again).toMatchObject({ code: 1, stderr: `Error: ${backup} already exists: choose a new file name for the backup.\n` });
    expect((await run(['logs', 'status', '-d', join(dir.path, 'none.db')])).stdout).toContain(`No log database found at ${join(dir.path, 'none.db')}\n`);
    expect(await run(['logs', '-d', join(dir.path, 'none.db')])).toMatchObject({ code: 1, stderr: `Error: No log database found at ${join(dir.path, 'none.db')}\n` });
    // A fresh install has no log yet: that is an empty log, not an error (a -d file must exist).
    const fresh = tempDir();
    try {
      expect(await runCli(['logs'], fresh.path)).toMatchObject({ code: 0, stdout: '', stderr: `No responses logged yet (the log will be ${join(fresh.path, 'logs.db')}).\n` });
      expect(await runCli(['logs', '--json'], fresh.path)).toMatchObject({ code: 0, stdout: '[]\n' });
    } finally {
      fresh.remove();
    }
  });

  it('lists its commands in llm --help and llm logs --help', async () => {
    const help = await run(['--help']);
    for (const command of ['logs', 'logs backup', 'logs off', 'logs on', 'logs path', 'logs status']) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
    }
    const logsHelp = await run(['logs', '--help']);
    expect(logsHelp.stdout).toContain('-q, --query=TEXT');
    expect(logsHelp.stdout).toContain('$ llm logs -q "pelican names" -t');
  });
});

describe('hard links', () => {
  it('on sql.js, says in llm logs status and when it happens that a write breaks a hard link to the log', async () => {
    const sqljs = { env: { LLM_SQLITE_ENGINE: 'sql.js' } };
    await run(['-m', 'echo', 'one'], sqljs);
    expect((await run(['logs', 'status'], sqljs)).stdout).toMatch(new RegExp(`KB\\n${SQLJS_LINK_NOTE}$`));
    const linked = join(dir.path, 'linked.db');
    linkSync(logFile(), linked);
    const status = await run(['logs', 'status'], sqljs);
    expect(status.stdout).toMatch(
      /KB\nNote: this log has 1 other hard link\. sql\.js writes the log by replacing the file, so the next response logged here breaks it: it keeps the log as it was\. Use a symbolic link instead, or a native engine \(Node\.js 22\.13\+, or better-sqlite3\)\.\n$/,
    );
    const second = await run(['-m', 'echo', 'two'], sqljs);
    expect(second).toMatchObject({ code: 0, stdout: 'Turn 1\nPrompt: two\n' });
    expect(second.stderr).toBe(
      `Warning: ${logFile()} had 1 other hard link; the sql.js engine writes the log by replacing the file, so it keeps the log as it was and will not receive this response or later ones. Use a symbolic link instead (ln -s), or a native engine, which writes in place: Node.js 22.13 or later (node:sqlite), or better-sqlite3.\n`,
    );
    expect(statSync(logFile()).nlink).toBe(1);
    expect(responses(linked).map((r) => r.prompt)).toEqual(['one']);
    expect(responses().map((r) => r.prompt)).toEqual(['one', 'two']);
    // Said once: the link is broken now, and the next write replaces a file with one name.
    expect((await run(['-m', 'echo', 'three'], sqljs)).stderr).toBe('');
  });

  it('on a native engine, keeps writing through a hard link (in place)', async () => {
    if (engine!.name === 'sql.js') return; // no native engine here: the test above covers sql.js
    await run(['-m', 'echo', 'one']);
    const linked = join(dir.path, 'linked.db');
    linkSync(logFile(), linked);
    expect(await run(['-m', 'echo', 'two'])).toMatchObject({ code: 0, stderr: '' });
    expect(responses(linked).map((r) => r.prompt)).toEqual(['one', 'two']);
    expect((await run(['logs', 'status'])).stdout).not.toContain('Note:');
  });
});

describe('continue mode', () => {
  it('continues the newest conversation with -c, a given one with --cid, in prompt and chat', async () => {
    await run(['-m', 'echo', 'one']);
    expect((await run(['-c', 'two'])).stdout).toBe('Turn 2\nPrompt: two\n');
    const [first] = responses();
    await run(['-m', 'echo', 'another conversation']);
    // LLM_MODEL is a default, not a -m: the conversation's own model is kept.
    expect((await run(['--cid', first!.conversation_id, 'three'], { env: { LLM_MODEL: 'gpt-4o-mini' } })).stdout).toBe('Turn 3\nPrompt: three\n');
    const chat = await run(['chat', '--cid', first!.conversation_id], { input: 'four\nexit\n' });
    expect(chat.code).toBe(0);
    expect(chat.stdout).toContain('Turn 4\nPrompt: four\n');
    expect(responses().filter((r) => r.conversation_id === first!.conversation_id).map((r) => r.prompt)).toEqual(['one', 'two', 'three', 'four']);

    const conversation = await run(['logs', '--cid', first!.conversation_id]);
    expect(conversation.stdout.match(/conversation: /g)).toHaveLength(1);
    expect(conversation.stdout.match(/## Prompt/g)).toHaveLength(4);
    expect((await run(['logs', '-c', '--json'])).stdout).toContain('"prompt": "four"');
  });

  it('continues with chat -c and logs to -d', async () => {
    const other = join(dir.path, 'chat.db');
    await run(['-m', 'echo', '-d', other, 'start']);
    const chat = await run(['chat', '-c', '-d', other], { input: 'next\n' });
    expect(chat.stdout).toContain('Chatting with echo');
    expect(chat.stdout).toContain('Turn 2\nPrompt: next\n');
    expect(responses(other).map((r) => r.prompt)).toEqual(['start', 'next']);
    expect(existsSync(logFile())).toBe(false);
  });

  it('fails clearly on an unknown id or model, and starts afresh when there is nothing to continue', async () => {
    const unknown = await run(['-m', 'echo', '--cid', '01nope', 'hi']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe("Error: No conversation found with id '01nope' in the log. Run 'llm logs list' to see conversation ids.\n");
    const fresh = await run(['-m', 'echo', '-c', 'hi']);
    expect(fresh).toMatchObject({ code: 0, stdout: 'Turn 1\nPrompt: hi\n', stderr: 'Warning: no logged conversation to continue; starting a new one\n' });
    const badModel = await run(['-c', '-m', 'nope', 'hi']);
    expect(badModel.code).toBe(1);
    expect(badModel.stderr).toMatch(/^Error: Unknown model 'nope'\./);
  });

  it('makes llm logs --cid with an unknown id an error, and refuses -c with --cid', async () => {
    const nothingYet = await run(['logs', '--cid', 'nosuch']);
    expect(nothingYet).toMatchObject({ code: 1, stdout: '' });
    expect(nothingYet.stderr).toBe(`Error: No conversation found with id 'nosuch': nothing is logged yet (the log will be ${logFile()}).\n`);
    await run(['-m', 'echo', 'one']);
    const [first] = responses();
    for (const args of [['logs', '--cid', 'nosuch'], ['logs', '--cid', 'nosuch', '--json'], ['logs', '-r', '--cid', 'nosuch']]) {
      expect(await run(args)).toEqual({
        code: 1,
        signal: null,
        stdout: '',
        stderr: "Error: No conversation found with id 'nosuch' in the log. Run 'llm logs list' to see conversation ids.\n",
      });
    }
    // A known conversation with no response matching the other filters is an empty list, not an error.
    expect(await run(['logs', '--cid', first!.conversation_id, '-m', 'gpt-4o-mini', '--json'])).toMatchObject({ code: 0, stdout: '[]\n' });

    const refusal = '-c continues the newest conversation, --cid the one you name. Give one of them.\n';
    const prompt = await run(['-c', '--cid', first!.conversation_id, 'two']);
    expect(prompt).toMatchObject({ code: 2, stdout: '', stderr: `Error: -c/--continue and --cid cannot be used together: ${refusal}` });
    const chat = await run(['chat', '-c', '--cid', first!.conversation_id], { input: 'two\n' });
    expect(chat).toMatchObject({ code: 2, stdout: '', stderr: `Error: -c/--continue and --cid cannot be used together: ${refusal}` });
    const logs = await run(['logs', '-c', '--cid', first!.conversation_id]);
    expect(logs).toMatchObject({ code: 2, stdout: '', stderr: `Error: -c/--current and --cid cannot be used together: -c shows the newest conversation, --cid the one you name. Give one of them.\n` });
    expect(responses().map((r) => r.prompt)).toEqual(['one']);
  });
});

describe('failure policy', () => {
  it('never overwrites a corrupt log: the answer prints, a warning names the file; llm logs is an error', async () => {
    const garbage = Buffer.from('not a database '.repeat(500));
    writeFileSync(logFile(), garbage);
    const result = await run(['-m', 'echo', 'hello']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Turn 1\nPrompt: hello\n');
    expect(result.stderr).toBe(
      `Warning: this response was not logged: ${logFile()} is not a readable SQLite database (file is not a database); it was left as it is: move it aside to start a new log\n`,
    );
    expect(readFileSync(logFile()).equals(garbage)).toBe(true);
    expect(existsSync(`${logFile()}-journal`)).toBe(false);
    const logs = await run(['logs']);
    expect(logs).toMatchObject({ code: 1, stdout: '' });
    expect(logs.stderr).toMatch(/^Error: .*logs\.db is not a readable SQLite database \(file is not a database\)/);
    expect(readFileSync(logFile()).equals(garbage)).toBe(true);
    expect((await run(['-c', 'hi'])).stderr).toMatch(/^Error: plugin sqlite-logger failed in resolveConversation: .* is not a readable SQLite database/);
  });

  it('warns clearly when the log directory is read-only', async () => {
    let readOnly = '/sys/kernel'; // root ignores file modes; sysfs refuses new files even to root
    if (process.getuid?.() !== 0) {
      readOnly = join(dir.path, 'read-only');
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o555);
    }
    const result = await run(['-m', 'echo', '-d', join(readOnly, 'logs.db'), 'hello']);
    if (readOnly !== '/sys/kernel') chmodSync(readOnly, 0o755);
    expect(result).toMatchObject({ code: 0, stdout: 'Turn 1\nPrompt: hello\n' });
    expect(result.stderr).toMatch(/^Warning: this response was not logged: cannot write .*logs\.db \(.+\): check that it and its directory are writable\n$/);
  });
});
