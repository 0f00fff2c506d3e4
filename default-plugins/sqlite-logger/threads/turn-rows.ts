import type { SqliteDatabase, SqlValue } from '../engines/types.js';
import type { LogAttachment, LogExtras, LogFragment, LogTool, LogToolCall, LogToolResult } from '../log-extras.js';
import { hasTable } from '../migrations.js';
import type { LogRow } from '../queries.js';
import { searchWithoutFts, TURNS_CORPUS } from '../search-without-fts.js';
import { ftsQuery } from '../search.js';
import { hasMessageStore, MessageStore, type StoredAttachment, type StoredMessage, type StoredPart } from './message-store.js';
import { pythonJsonDumps } from './python-json.js';
import { resolveTurnPayload } from './turn-payload.js';

/** A turn of a Python llm 0.32 thread, as `llm logs` shows it. `_rank`: its search rank. */
export type TurnLogRow = LogRow & LogExtras & { _rank?: number };

/** Which turns to list (see LogQuery; the search already split into terms). */
export interface TurnQuery {
  /** How many; 0 for all. */
  readonly count: number;
  readonly model?: string | undefined;
  readonly terms?: readonly string[] | undefined;
  /** Search with FTS5 (else the same search in JavaScript). */
  readonly fullTextSearch: boolean;
  readonly threadId?: string | undefined;
  /** With `terms`: the newest matching turns, not the best ranked (`-l`). */
  readonly latest?: boolean | undefined;
}

/** A `turns` row with its thread's name and schema: the LogRow columns the turn itself has. */
type TurnRow = Pick<
  LogRow,
  | 'id' | 'model' | 'resolved_model' | 'options_json' | 'conversation_id' | 'duration_ms' | 'datetime_utc' | 'input_tokens' | 'output_tokens'
  | 'token_details' | 'conversation_name' | 'conversation_model' | 'schema_json'
> & { parent_message_hash: string | null; tip_message_hash: string | null; response_json: string | null; _rank?: number };

/**
 * The turns of the Python llm 0.32's message store, newest first (or best match first when
 * searching with FTS5), shaped as its `llm logs` shows them (llm/logs.py `log_rows`): the prompt is
 * the text of the turn's own user messages, the system prompt that of the thread's first message
 * when it is a system message, the response the text the turn appended. Empty if the log has no
 * message store.
 */
export function listTurns(db: SqliteDatabase, query: TurnQuery): TurnLogRow[] {
  if (!hasMessageStore(db)) return [];
  const where: string[] = [];
  const params: SqlValue[] = [];
  let join = '';
  let rank = '';
  let order = 'turns.id DESC';
  if (query.model) {
    where.push('(turns.model = ? OR turns.resolved_model = ?)');
    params.push(query.model, query.model);
  }
  if (query.threadId) {
    where.push('turns.thread_id = ?');
    params.push(query.threadId);
  }
  let ranks: Map<number, number> | undefined;
  if (query.terms) {
    join = ' JOIN turn_search ON turn_search.turn_id = turns.id';
    if (query.fullTextSearch && hasTable(db, 'turn_search_fts')) {
      join += ' JOIN turn_search_fts ON turn_search_fts.rowid = turn_search.id';
      where.push('turn_search_fts MATCH ?');
      params.push(ftsQuery(query.terms));
      if (!query.latest) {
        rank = ', turn_search_fts.rank AS _rank';
        order = 'turn_search_fts.rank, turns.id DESC';
      }
    } else {
      // No FTS5 here (sql.js): the turns turn_search_fts would find, ranked as it would rank them.
      const ranked = searchWithoutFts(db, query.terms, where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '', params, query.count, TURNS_CORPUS, query.latest ? 'latest' : 'rank');
      if (ranked.length === 0) return [];
      where.push(`turn_search.id IN (${ranked.map(({ rowid }) => rowid).join(', ')})`);
      if (!query.latest) {
        ranks = new Map(ranked.map(({ rowid, rank: value }) => [rowid, value]));
        rank = ', turn_search.id AS _search_id';
      }
    }
  }
  const sql = `SELECT turns.id, turns.model, turns.resolved_model, turns.options_json, turns.thread_id AS conversation_id, turns.duration_ms,
      turns.datetime_utc, turns.input_tokens, turns.output_tokens, turns.token_details, turns.parent_message_hash, turns.tip_message_hash,
      ${hasColumn(db, 'turns', 'response_json') ? 'turns.response_json' : 'NULL AS response_json'}, threads.name AS conversation_name, turns.model AS conversation_model, schemas.content AS schema_json${rank}
    FROM turns LEFT JOIN threads ON turns.thread_id = threads.id LEFT JOIN schemas ON turns.schema_id = schemas.id${join}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}${query.count > 0 ? ` LIMIT ${Math.floor(query.count)}` : ''}`;
  const store = new MessageStore(db);
  const extras = new TurnExtras(db);
  const rows = db.all<TurnRow & { _search_id?: number }>(sql, params);
  if (ranks) {
    // Best first, as FTS5's rank orders them, with the rank mergeGenerations interleaves by.
    for (const row of rows) row._rank = ranks.get(Number(row._search_id));
    rows.sort((a, b) => a._rank! - b._rank! || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    for (const row of rows) delete row._search_id;
  }
  return rows.map((row) => buildRow(row, store, extras));
}

/** The newest turn (by id: ULIDs sort by time) and its thread. */
export function newestTurn(db: SqliteDatabase): { id: string; thread_id: string } | undefined {
  if (!hasMessageStore(db)) return undefined;
  return db.get<{ id: string; thread_id: string }>('SELECT id, thread_id FROM turns WHERE thread_id IS NOT NULL ORDER BY id DESC LIMIT 1');
}

/** Whether the log has a 0.32 thread with this id. */
export function threadExists(db: SqliteDatabase, id: string): boolean {
  return hasMessageStore(db) && db.get('SELECT 1 AS found FROM threads WHERE id = ?', [id]) !== undefined;
}

/** A turn's own input: the trailing run of user and tool messages before its reply (llm/logs.py). */
export function ownInput(inputs: readonly StoredMessage[]): StoredMessage[] {
  let boundary = inputs.length;
  while (boundary > 0 && (inputs[boundary - 1]!.role === 'user' || inputs[boundary - 1]!.role === 'tool')) boundary--;
  return inputs.slice(boundary);
}

function buildRow(row: TurnRow, store: MessageStore, extras: TurnExtras): TurnLogRow {
  const inputs = store.chain(row.parent_message_hash);
  const outputs = store.chain(row.tip_message_hash).slice(inputs.length);
  const own = ownInput(inputs);
  const promptParts = own.filter((m) => m.role === 'user').flatMap((m) => m.parts);
  const inputParts = own.flatMap((m) => m.parts);
  const systemParts = inputs[0]?.role === 'system' ? inputs[0].parts : [];
  const outParts = outputs.flatMap((m) => m.parts);
  const tools = extras.tools(row.id);
  const toolIds = new Map(tools.map((tool) => [tool.name, tool.id]));
  const instances = extras.instances(row.id);
  // As the Python llm: a call's id is its parts row in the tip message, found by tool call id.
  const callRows = new Map(
    (outputs.find((m) => m.hash === row.tip_message_hash)?.parts ?? []).flatMap(({ part, rowId }) => (part.type === 'tool_call' ? [[part.toolCallId, rowId] as const] : [])),
  );
  const toolCalls: LogToolCall[] = outParts.flatMap(({ part }) =>
    part.type === 'tool_call'
      ? [{ id: callRows.get(part.toolCallId) ?? null, tool_id: toolIds.get(part.name) ?? null, name: part.name, arguments: part.arguments, tool_call_id: part.toolCallId ?? null }]
      : [],
  );
  const toolResults: LogToolResult[] = inputParts.flatMap(({ part, rowId, attachments }) =>
    part.type === 'tool_result'
      ? [
          {
            id: rowId,
            tool_id: toolIds.get(part.name) ?? null,
            name: part.name,
            output: part.output,
            tool_call_id: part.toolCallId ?? null,
            exception: part.exception ?? null,
            instance: (part.toolCallId && instances.get(part.toolCallId)) || null,
            attachments: attachments.map(attachmentSummary),
          },
        ]
      : [],
  );
  const fragments = extras.fragments(row.id);
  return {
    id: row.id,
    model: row.model,
    resolved_model: row.resolved_model,
    prompt: textOf(promptParts, 'text'),
    system: textOf(systemParts, 'text') || null,
    prompt_json: null,
    options_json: row.options_json || '{}',
    response: textOf(outParts, 'text'),
    // Stored condensed against the reply's messages, the tools and the schema: resolved as 0.32 does.
    response_json: resolvedPayload(row, outputs, tools),
    conversation_id: row.conversation_id,
    duration_ms: row.duration_ms,
    datetime_utc: row.datetime_utc,
    input_tokens: row.input_tokens,
    output_tokens: row.output_tokens,
    token_details: row.token_details,
    conversation_name: row.conversation_name,
    conversation_model: row.conversation_model,
    schema_json: row.schema_json,
    reasoning: textOf(outParts, 'reasoning') || null,
    prompt_fragments: fragments.prompt,
    system_fragments: fragments.system,
    tools,
    tool_calls: toolCalls,
    tool_results: toolResults,
    attachments: inputParts.flatMap(({ part, attachments }) => (part.type === 'attachment' ? attachments.map(attachmentSummary) : [])),
    ...(row._rank !== undefined ? { _rank: row._rank } : {}),
  };
}

/** The turn's payload as the JSON text 0.32's `llm logs` gives (`json.dumps`), or null if it has none or it no longer resolves. */
function resolvedPayload(row: TurnRow, outputs: readonly StoredMessage[], tools: readonly LogTool[]): string | null {
  if (!row.response_json) return null;
  const payload = resolveTurnPayload(row.response_json, {
    messages: outputs.map((message) => ({ parts: message.parts.map(({ dict }) => dict), provider_metadata: message.providerMetadata })),
    tools: tools.map((tool) => [tool.name, tool.description] as const),
    schema: row.schema_json ? parseJson(row.schema_json) : undefined,
  });
  return payload === null ? null : pythonJsonDumps(payload);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function hasColumn(db: SqliteDatabase, table: string, column: string): boolean {
  return db.all<{ name: string }>(`PRAGMA table_info([${table}])`).some((row) => row.name === column);
}

function textOf(parts: readonly StoredPart[], type: 'text' | 'reasoning'): string {
  return parts.map(({ part }) => (part.type === type ? part.text : '')).join('');
}

function attachmentSummary(attachment: StoredAttachment): LogAttachment {
  const length = attachment.content?.length ?? 0;
  return {
    id: attachment.id,
    type: attachment.type ?? null,
    path: attachment.path ?? null,
    url: attachment.url ?? null,
    content: length > 0 ? true : null,
    content_length: length > 0 ? length : null,
  };
}

/** The per-turn lookups of llm/logs.py `log_row_extras`: tools, toolbox instances, fragments. */
class TurnExtras {
  private readonly hasInstances: boolean;
  private readonly hasAliases: boolean;

  constructor(private readonly db: SqliteDatabase) {
    this.hasInstances = hasTable(db, 'tool_instances') && hasTable(db, 'tool_instantiations');
    this.hasAliases = hasTable(db, 'fragment_aliases');
  }

  tools(turnId: string): LogTool[] {
    if (!hasTable(this.db, 'turn_tools') || !hasTable(this.db, 'tools')) return [];
    const instance = this.hasInstances
      ? 'tool_instances.name AS instance_name, tool_instances.arguments AS instance_arguments FROM tools JOIN turn_tools ON turn_tools.tool_id = tools.id LEFT JOIN tool_instances ON tool_instances.id = turn_tools.instance_id'
      : 'NULL AS instance_name, NULL AS instance_arguments FROM tools JOIN turn_tools ON turn_tools.tool_id = tools.id';
    const rows = this.db.all<{ id: number; hash: string; name: string; description: string | null; input_schema: string | null; instance_name: string | null; instance_arguments: string | null }>(
      `SELECT tools.id, tools.hash, tools.name, tools.description, tools.input_schema, ${instance} WHERE turn_tools.turn_id = ?`,
      [turnId],
    );
    return rows.map((row) => ({
      id: row.id,
      hash: row.hash,
      name: row.name,
      description: row.description,
      input_schema: parseObject(row.input_schema),
      instance: row.instance_name ? { name: row.instance_name, arguments: row.instance_arguments } : null,
    }));
  }

  instances(turnId: string): Map<string, { name: string; plugin: string | null; arguments: string | null }> {
    const found = new Map<string, { name: string; plugin: string | null; arguments: string | null }>();
    if (!this.hasInstances) return found;
    for (const row of this.db.all<{ tool_call_id: string; name: string; plugin: string | null; arguments: string | null }>(
      `SELECT tool_instantiations.tool_call_id, tool_instances.name, tool_instances.plugin, tool_instances.arguments
         FROM tool_instantiations JOIN tool_instances ON tool_instances.id = tool_instantiations.instance_id WHERE tool_instantiations.turn_id = ?`,
      [turnId],
    )) {
      found.set(row.tool_call_id, { name: row.name, plugin: row.plugin, arguments: row.arguments });
    }
    return found;
  }

  fragments(turnId: string): { prompt: LogFragment[]; system: LogFragment[] } {
    const out = { prompt: [] as LogFragment[], system: [] as LogFragment[] };
    if (!hasTable(this.db, 'turn_fragments')) return out;
    const aliases = this.hasAliases ? '(SELECT json_group_array(alias) FROM fragment_aliases WHERE fragment_aliases.fragment_id = fragments.id)' : "'[]'";
    for (const row of this.db.all<{ kind: string; hash: string; content: string; aliases: string }>(
      `SELECT turn_fragments.kind, fragments.hash, fragments.content, ${aliases} AS aliases
         FROM turn_fragments JOIN fragments ON fragments.id = turn_fragments.fragment_id WHERE turn_fragments.turn_id = ? ORDER BY turn_fragments."order"`,
      [turnId],
    )) {
      const fragment = { hash: row.hash, content: row.content, aliases: JSON.parse(row.aliases) as string[] };
      (row.kind === 'system' ? out.system : out.prompt).push(fragment);
    }
    return out;
  }
}

function parseObject(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The newer of the newest legacy response (`legacy`: its id and conversation) and the newest
 * 0.32 turn: the id of its conversation or thread.
 */
export function newestOfGenerations(db: SqliteDatabase, legacy: { id: string; conversation_id: string | null } | undefined): string | undefined {
  const turn = newestTurn(db);
  if (turn && (!legacy || turn.id > legacy.id)) return turn.thread_id;
  return legacy?.conversation_id ?? undefined;
}

/**
 * Legacy rows and turns, each newest (or best) first, merged as the Python llm merges them: by
 * search rank when both sides are ranked, else by id (ULIDs on both sides sort by time), cut to
 * `count` (0: all). The `_rank` helper column is dropped.
 */
export function mergeGenerations<T extends { id: string; _rank?: number }>(legacy: readonly T[], turns: readonly T[], count: number): Omit<T, '_rank'>[] {
  if (turns.length === 0 && !legacy.some((row) => row._rank !== undefined)) return [...legacy];
  const ranked = [...legacy, ...turns].every((row) => row._rank !== undefined);
  const merged = [...legacy, ...turns].sort((a, b) => (ranked && a._rank !== b._rank ? a._rank! - b._rank! : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return (count > 0 ? merged.slice(0, count) : merged).map(({ _rank, ...row }) => {
    void _rank;
    return row;
  });
}
