import type { SqliteDatabase } from './engines/types.js';
import type { LogAttachment, LogExtras, LogFragment } from './log-extras.js';
import { hasTable } from './migrations.js';

/**
 * Adds the fragments, system fragments and attachments of rows from `responses` (the Python llm's
 * `legacy_log_row_extras`: FRAGMENTS_SQL and ATTACHMENTS_SQL), in order, in the shape the 0.32
 * turns have (see log-extras). Rows that already carry them (turns) are left alone; a log without
 * those tables gives empty lists.
 */
export function withLegacyLinked<T extends { id: string } & LogExtras>(db: SqliteDatabase, rows: T[]): T[] {
  const legacy = rows.filter((row) => row.attachments === undefined);
  if (legacy.length === 0) return rows;
  const ids = legacy.map((row) => row.id);
  const placeholders = ids.map(() => '?').join(', ');
  const byId = new Map(legacy.map((row) => [row.id, row]));
  for (const row of legacy) Object.assign(row, { prompt_fragments: [], system_fragments: [], attachments: [] });
  const hasAliases = hasTable(db, 'fragment_aliases');
  for (const table of ['prompt_fragments', 'system_fragments'] as const) {
    if (!hasTable(db, table)) continue;
    const aliases = hasAliases ? '(SELECT json_group_array(fragment_aliases.alias) FROM fragment_aliases WHERE fragment_aliases.fragment_id = fragments.id)' : "'[]'";
    const fragments = db.all<{ response_id: string; hash: string; content: string; aliases: string }>(
      `SELECT [${table}].response_id, fragments.hash, fragments.content, ${aliases} AS aliases
         FROM [${table}] JOIN fragments ON [${table}].fragment_id = fragments.id
        WHERE [${table}].response_id IN (${placeholders}) ORDER BY [${table}].[order]`,
      ids,
    );
    for (const f of fragments) {
      const fragment: LogFragment = { hash: f.hash, content: f.content, aliases: JSON.parse(f.aliases) as string[] };
      byId.get(f.response_id)![table]!.push(fragment);
    }
  }
  if (hasTable(db, 'prompt_attachments')) {
    const attachments = db.all<{ response_id: string; id: string; type: string | null; path: string | null; url: string | null; content_length: number | null }>(
      `SELECT response_id, attachments.id, attachments.type, attachments.path, attachments.url, length(attachments.content) AS content_length
         FROM attachments JOIN prompt_attachments ON attachments.id = prompt_attachments.attachment_id
        WHERE prompt_attachments.response_id IN (${placeholders}) ORDER BY prompt_attachments.[order]`,
      ids,
    );
    for (const { response_id, content_length, ...rest } of attachments) {
      const length = content_length ?? 0;
      const attachment: LogAttachment = { ...rest, content: length > 0 ? true : null, content_length: length > 0 ? length : null };
      byId.get(response_id)!.attachments!.push(attachment);
    }
  }
  return rows;
}
