import { existsSync } from 'node:fs';
import { Fragment, type FragmentRequest, type PluginContext } from 'llm-host';
import type { SqliteDatabase, SqlValue } from './engines/types.js';
import { selectEngine } from './engines/select.js';
import { readLog } from './log-file.js';
import { hasTable } from './migrations.js';
import { logPath } from './paths.js';

/** A stored fragment as `llm fragments` lists it (the Python llm's columns). */
export interface StoredFragment {
  hash: string;
  aliases: string[];
  datetime_utc: string | null;
  source: string | null;
  content: string;
}

/** An alias: letters, digits, `_` and `-`, as the Python llm's validate_fragment_alias. */
export const ALIAS_PATTERN = /^[a-zA-Z0-9_-]+$/;

/**
 * The `resolveFragment` tap: a fragment stored in the log under this alias or hash, as the Python
 * llm's `_load_by_alias`. Undefined when there is no log or nothing matches.
 */
export async function loadStoredFragment(request: FragmentRequest, context: PluginContext): Promise<Fragment | undefined> {
  const path = logPath(context.userDir, request.database);
  if (!existsSync(path)) return undefined;
  const engine = await selectEngine(context.env);
  return readLog(path, engine, (db) => findFragment(db, request.reference));
}

/** The fragment with this alias or hash, if stored. */
export function findFragment(db: SqliteDatabase, reference: string): Fragment | undefined {
  if (!hasTable(db, 'fragments')) return undefined;
  const row = db.get<{ content: string; source: string | null }>(
    `SELECT content, source FROM fragments LEFT JOIN fragment_aliases ON fragments.id = fragment_aliases.fragment_id
      WHERE alias = ? OR hash = ? LIMIT 1`,
    [reference, reference],
  );
  return row ? new Fragment(row.content, row.source ?? '') : undefined;
}

/**
 * Stored fragments, oldest first: those matching every query (a hash, an alias, or text in the
 * source or content), or with `aliasesOnly` those that have an alias.
 */
export function listFragments(db: SqliteDatabase, queries: readonly string[], aliasesOnly: boolean): StoredFragment[] {
  if (!hasTable(db, 'fragments')) return [];
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (aliasesOnly) where.push('fragment_aliases.alias IS NOT NULL');
  for (const query of queries) {
    where.push("(fragments.hash = ? OR fragment_aliases.alias = ? OR fragments.source LIKE '%' || ? || '%' OR fragments.content LIKE '%' || ? || '%')");
    params.push(query, query, query, query);
  }
  const rows = db.all<Omit<StoredFragment, 'aliases'> & { aliases: string }>(
    `SELECT fragments.hash,
            json_group_array(fragment_aliases.alias) FILTER (WHERE fragment_aliases.alias IS NOT NULL) AS aliases,
            fragments.datetime_utc, fragments.source, fragments.content
       FROM fragments LEFT JOIN fragment_aliases ON fragment_aliases.fragment_id = fragments.id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY fragments.id, fragments.hash, fragments.content, fragments.datetime_utc, fragments.source
      ORDER BY fragments.datetime_utc, fragments.id`,
    params,
  );
  return rows.map((row) => ({ ...row, aliases: JSON.parse(row.aliases) as string[] }));
}

/** Stores a fragment (once, by hash) and points the alias at it, replacing what it pointed at. */
export function setAlias(db: SqliteDatabase, alias: string, fragment: Fragment): void {
  db.run("INSERT INTO [fragments] ([hash], [content], [datetime_utc], [source]) VALUES (?, ?, datetime('now'), ?) ON CONFLICT([hash]) DO NOTHING", [
    fragment.hash,
    fragment.content,
    fragment.source || null,
  ]);
  db.run(
    `INSERT INTO [fragment_aliases] ([alias], [fragment_id]) VALUES (?, (SELECT [id] FROM [fragments] WHERE [hash] = ?))
     ON CONFLICT([alias]) DO UPDATE SET [fragment_id] = excluded.[fragment_id]`,
    [alias, fragment.hash],
  );
}

/** Removes an alias (the fragment stays: prompts may use it); whether there was one. */
export function removeAlias(db: SqliteDatabase, alias: string): boolean {
  return db.run('DELETE FROM fragment_aliases WHERE alias = ?', [alias]) > 0;
}
