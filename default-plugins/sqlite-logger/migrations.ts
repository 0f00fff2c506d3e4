import type { LogMigration, SqlDatabase } from 'llm-host';

/**
 * One schema change, applied once and recorded by name in `_llm_migrations(name, applied_at)`.
 *
 * The changes this log shares with the Python llm carry the Python llm's names (`m010_...`) and
 * leave the same tables and columns (the SQL sqlite-utils generates for them), so each tool sees
 * the other's changes as already applied; the Python migrations not listed here (its old `log`
 * table, tools) are left unrecorded, so the Python llm runs them itself when it next opens the
 * file. Our own additions have names that cannot clash with the Python llm's (`js...`).
 */
export type Migration = LogMigration;

/** The sqlite-utils `enable_fts(['prompt', 'response'], create_triggers=True)` the Python llm runs. */
const RESPONSES_FTS = `
CREATE VIRTUAL TABLE [responses_fts] USING FTS5 (
    [prompt], [response],
    content=[responses]
);
INSERT INTO [responses_fts] (rowid, [prompt], [response])
    SELECT rowid, [prompt], [response] FROM [responses];
CREATE TRIGGER [responses_ai] AFTER INSERT ON [responses] BEGIN
  INSERT INTO [responses_fts] (rowid, [prompt], [response]) VALUES (new.rowid, new.[prompt], new.[response]);
END;
CREATE TRIGGER [responses_ad] AFTER DELETE ON [responses] BEGIN
  INSERT INTO [responses_fts] ([responses_fts], rowid, [prompt], [response]) VALUES('delete', old.rowid, old.[prompt], old.[response]);
END;
CREATE TRIGGER [responses_au] AFTER UPDATE ON [responses] BEGIN
  INSERT INTO [responses_fts] ([responses_fts], rowid, [prompt], [response]) VALUES('delete', old.rowid, old.[prompt], old.[response]);
  INSERT INTO [responses_fts] (rowid, [prompt], [response]) VALUES (new.rowid, new.[prompt], new.[response]);
END;
`;

/** A table linking responses to fragments, in order (`prompt_fragments`, `system_fragments`). */
function fragmentLinks(table: string, primaryKey: readonly string[]): string {
  return `CREATE TABLE IF NOT EXISTS [${table}] (
   [response_id] TEXT REFERENCES [responses]([id]),
   [fragment_id] INTEGER REFERENCES [fragments]([id]),
   [order] INTEGER,
   PRIMARY KEY (${primaryKey.map((c) => `[${c}]`).join(', ')})
);`;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'm010_create_new_log_tables',
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS [conversations] (
   [id] TEXT PRIMARY KEY,
   [name] TEXT,
   [model] TEXT
);
CREATE TABLE IF NOT EXISTS [responses] (
   [id] TEXT PRIMARY KEY,
   [model] TEXT,
   [prompt] TEXT,
   [system] TEXT,
   [prompt_json] TEXT,
   [options_json] TEXT,
   [response] TEXT,
   [response_json] TEXT,
   [conversation_id] TEXT REFERENCES [conversations]([id]),
   [duration_ms] INTEGER,
   [datetime_utc] TEXT
);`);
    },
  },
  {
    name: 'm011_fts_for_responses',
    needsFts5: true,
    apply(db) {
      if (!hasTable(db, 'responses_fts')) db.exec(RESPONSES_FTS);
    },
  },
  {
    name: 'm012_attachments_tables',
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS [attachments] (
   [id] TEXT PRIMARY KEY,
   [type] TEXT,
   [path] TEXT,
   [url] TEXT,
   [content] BLOB
);
CREATE TABLE IF NOT EXISTS [prompt_attachments] (
   [response_id] TEXT REFERENCES [responses]([id]),
   [attachment_id] TEXT REFERENCES [attachments]([id]),
   [order] INTEGER,
   PRIMARY KEY ([response_id], [attachment_id])
);`);
    },
  },
  {
    name: 'm013_usage',
    apply(db) {
      addColumn(db, 'responses', 'input_tokens', 'INTEGER');
      addColumn(db, 'responses', 'output_tokens', 'INTEGER');
      addColumn(db, 'responses', 'token_details', 'TEXT');
    },
  },
  {
    name: 'm014_schemas',
    apply(db) {
      db.exec('CREATE TABLE IF NOT EXISTS [schemas] (\n   [id] TEXT PRIMARY KEY,\n   [content] TEXT\n);');
      addColumn(db, 'responses', 'schema_id', 'TEXT REFERENCES [schemas]([id])');
    },
  },
  {
    name: 'm015_fragments_tables',
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS [fragments] (
   [id] INTEGER PRIMARY KEY,
   [hash] TEXT,
   [content] TEXT,
   [datetime_utc] TEXT,
   [source] TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS [idx_fragments_hash]
    ON [fragments] ([hash]);
CREATE TABLE IF NOT EXISTS [fragment_aliases] (
   [alias] TEXT PRIMARY KEY,
   [fragment_id] INTEGER REFERENCES [fragments]([id])
);
${fragmentLinks('prompt_fragments', ['response_id', 'fragment_id'])}
${fragmentLinks('system_fragments', ['response_id', 'fragment_id'])}`);
    },
  },
  {
    // The same fragment may appear twice in one prompt: the Python llm's sqlite-utils transform()
    // rebuilds both link tables with `order` in the primary key (new table, copy, drop, rename).
    name: 'm016_fragments_table_pks',
    apply(db) {
      for (const table of ['prompt_fragments', 'system_fragments']) {
        const temporary = `${table}_new_${Math.random().toString(16).slice(2, 14)}`;
        db.exec(`
${fragmentLinks(temporary, ['response_id', 'fragment_id', 'order']).replace(' IF NOT EXISTS', '')}
INSERT INTO [${temporary}] ([response_id], [fragment_id], [order])
   SELECT [response_id], [fragment_id], [order] FROM [${table}];
DROP TABLE [${table}];
ALTER TABLE [${temporary}] RENAME TO [${table}];`);
      }
    },
  },
  // The Python llm's tool tables (m017, m018, m020, m021), with the SQL sqlite-utils generates for them.
  {
    name: 'm017_tools_tables',
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS [tools] (
   [id] INTEGER PRIMARY KEY,
   [hash] TEXT,
   [name] TEXT,
   [description] TEXT,
   [input_schema] TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS [idx_tools_hash] ON [tools] ([hash]);
CREATE TABLE IF NOT EXISTS [tool_responses] (
   [tool_id] INTEGER REFERENCES [tools]([id]),
   [response_id] TEXT REFERENCES [responses]([id]),
   PRIMARY KEY ([tool_id], [response_id])
);
CREATE TABLE IF NOT EXISTS [tool_calls] (
   [id] INTEGER PRIMARY KEY,
   [response_id] TEXT REFERENCES [responses]([id]),
   [tool_id] INTEGER REFERENCES [tools]([id]),
   [name] TEXT,
   [arguments] TEXT,
   [tool_call_id] TEXT
);
CREATE TABLE IF NOT EXISTS [tool_results] (
   [id] INTEGER PRIMARY KEY,
   [response_id] TEXT REFERENCES [responses]([id]),
   [tool_id] INTEGER REFERENCES [tools]([id]),
   [name] TEXT,
   [output] TEXT,
   [tool_call_id] TEXT
);`);
    },
  },
  {
    name: 'm017_tools_plugin',
    apply(db) {
      addColumn(db, 'tools', 'plugin', 'TEXT');
    },
  },
  {
    name: 'm018_tool_instances',
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS [tool_instances] (
   [id] INTEGER PRIMARY KEY,
   [plugin] TEXT,
   [name] TEXT,
   [arguments] TEXT
);`);
      addColumn(db, 'tool_results', 'instance_id', 'INTEGER REFERENCES [tool_instances]([id])');
    },
  },
  {
    name: 'm019_resolved_model',
    apply(db) {
      addColumn(db, 'responses', 'resolved_model', 'TEXT');
    },
  },
  {
    name: 'm020_tool_results_attachments',
    apply(db) {
      // [attachments] is the Python llm's m012 table; SQLite accepts the reference before it exists.
      db.exec(`
CREATE TABLE IF NOT EXISTS [tool_results_attachments] (
   [tool_result_id] INTEGER REFERENCES [tool_results]([id]),
   [attachment_id] TEXT REFERENCES [attachments]([id]),
   [order] INTEGER,
   PRIMARY KEY ([tool_result_id], [attachment_id])
);`);
    },
  },
  {
    name: 'm021_tool_results_exception',
    apply(db) {
      addColumn(db, 'tool_results', 'exception', 'TEXT');
    },
  },
  {
    // Newest-first listing uses the primary key (ids are ULIDs, which sort by time); these serve
    // `llm -c`/`llm logs --cid` (one conversation's turns) and `llm logs -m` (newest of a model).
    name: 'js001_response_indexes',
    apply(db) {
      db.exec(`
CREATE INDEX IF NOT EXISTS [idx_responses_conversation_id] ON [responses] ([conversation_id]);
CREATE INDEX IF NOT EXISTS [idx_responses_model_id] ON [responses] ([model], [id]);`);
    },
  },
  {
    // Where each conversation came from (llm prompt, llm chat, the library, an experiment, a trace),
    // so `llm -c` can continue the newest one a person had. A table of ours, beside the Python
    // llm's: it never reads it, and conversations it logs have no row (they count as a person's).
    // Conversations logged before this by experiments or traces are marked from their tables.
    name: 'js002_conversation_origins',
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS [conversation_origins] (
   [conversation_id] TEXT PRIMARY KEY,
   [origin] TEXT NOT NULL
);`);
      for (const [table, origin] of [['experiment_run_responses', 'experiment'], ['trace_node_responses', 'trace']] as const) {
        if (!hasTable(db, table)) continue;
        db.exec(`INSERT OR IGNORE INTO [conversation_origins] ([conversation_id], [origin])
  SELECT DISTINCT [responses].[conversation_id], '${origin}' FROM [responses] JOIN [${table}] ON [${table}].[response_id] = [responses].[id]
  WHERE [responses].[conversation_id] IS NOT NULL`);
      }
    },
  },
  {
    // Ours, beside the Python llm's columns (it reads responses by column name, so an extra one is
    // invisible to it): the hash of each response's request (model, earlier turns, prompt, system
    // prompt, options, schema, tools, attachments), so `--cache` can answer a request from the log.
    name: 'js003_responses_request_hash',
    apply(db) {
      addColumn(db, 'responses', 'request_hash', 'TEXT');
      db.exec('CREATE INDEX IF NOT EXISTS [idx_responses_request_hash] ON [responses] ([request_hash], [id]);');
    },
  },
];

/** Creates `_llm_migrations` as the Python llm does (sqlite-utils: name is the primary key). */
const MIGRATIONS_TABLE = 'CREATE TABLE IF NOT EXISTS [_llm_migrations] (\n   [name] TEXT PRIMARY KEY,\n   [applied_at] TEXT\n);';

/**
 * Another database than the log, with migrations of its own recorded as sqlite-migrate does
 * (`_sqlite_migrations(migration_set, name, applied_at)`, name the primary key): the Python llm's
 * embeddings.db keeps its migrations so, under the set `llm.embeddings`.
 */
export interface MigrationSet {
  readonly set: string;
}

/** Creates `_sqlite_migrations` as sqlite-migrate does. */
const SET_MIGRATIONS_TABLE = 'CREATE TABLE IF NOT EXISTS [_sqlite_migrations] (\n   [migration_set] TEXT,\n   [name] TEXT PRIMARY KEY,\n   [applied_at] TEXT\n);';

/** Names of the migrations already applied to `db` (of `set`, when given; else the log's). */
export function appliedMigrations(db: SqlDatabase, set?: MigrationSet): Set<string> {
  if (set) {
    if (!hasTable(db, '_sqlite_migrations')) return new Set();
    return new Set(db.all<{ name: string }>('SELECT name FROM [_sqlite_migrations] WHERE migration_set = ?', [set.set]).map((row) => row.name));
  }
  if (!hasTable(db, '_llm_migrations')) return new Set();
  return new Set(db.all<{ name: string }>('SELECT name FROM [_llm_migrations]').map((row) => row.name));
}

/**
 * The migrations `db` still needs on an engine with (or without) FTS5: the log's own, then `extra`;
 * for another database (`set`), only `extra`.
 */
export function pendingMigrations(db: SqlDatabase, hasFts5: boolean, extra: readonly Migration[] = [], set?: MigrationSet): Migration[] {
  const applied = appliedMigrations(db, set);
  return [...(set ? [] : MIGRATIONS), ...extra].filter((m) => !applied.has(m.name) && (hasFts5 || !m.needsFts5));
}

/**
 * Applies the pending migrations and records each one. Call it inside a write transaction, so two
 * processes never both apply one (the second sees it recorded once the first commits).
 */
export function migrate(db: SqlDatabase, hasFts5: boolean, extra: readonly Migration[] = [], set?: MigrationSet): string[] {
  const pending = pendingMigrations(db, hasFts5, extra, set);
  if (pending.length === 0) return [];
  db.exec(set ? SET_MIGRATIONS_TABLE : MIGRATIONS_TABLE);
  for (const migration of pending) {
    migration.apply(db);
    if (set) {
      // sqlite-migrate writes `str(datetime.utcnow())`: no zone, microseconds.
      db.run('INSERT OR REPLACE INTO [_sqlite_migrations] (migration_set, name, applied_at) VALUES (?, ?, ?)', [set.set, migration.name, appliedAt().replace('+00:00', '')]);
    } else {
      db.run('INSERT OR REPLACE INTO [_llm_migrations] (name, applied_at) VALUES (?, ?)', [migration.name, appliedAt()]);
    }
  }
  return pending.map((m) => m.name);
}

/** Whether a table (or virtual table) exists. */
export function hasTable(db: SqlDatabase, name: string): boolean {
  return db.get("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?", [name]) !== undefined;
}

function addColumn(db: SqlDatabase, table: string, column: string, type: string): void {
  const columns = db.all<{ name: string }>(`PRAGMA table_info([${table}])`).map((c) => c.name);
  if (!columns.includes(column)) db.exec(`ALTER TABLE [${table}] ADD COLUMN [${column}] ${type}`);
}

/** `applied_at` as the Python llm writes it: `str(datetime.now(timezone.utc))`. */
function appliedAt(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '000+00:00');
}
