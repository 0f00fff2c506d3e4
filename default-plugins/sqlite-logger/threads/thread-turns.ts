import type { Conversation, HistoryMessage, Response, Usage } from 'llm-host';
import type { SqliteDatabase } from '../engines/types.js';
import type { Statement } from '../log-worker.js';
import { schemaId } from '../schema-id.js';
import { messageHash } from './message-hash.js';
import { MessageStore } from './message-store.js';
import { pythonJsonDumps } from './python-json.js';
import { threadExists } from './turn-rows.js';

/**
 * Continuing a Python llm 0.32 thread, and writing the new turn into its tables exactly as the
 * Python llm 0.32 writes a reply to a thread (llm/logs.py `LogStore.log`): the new messages under
 * their content hashes, chained to the thread's tip, a `turns` row, its `turn_search` row (which
 * keeps `turn_search_fts` in step through its triggers) and the thread's new tip.
 */

/** A logged 0.32 thread, read to be continued. */
export interface LoggedThread {
  readonly id: string;
  readonly name: string | undefined;
  /** The model of its newest turn (as the Python llm picks it). */
  readonly model: string;
  /** Its messages, oldest first. */
  readonly history: HistoryMessage[];
  /** The hash of its last message (null for a thread without messages). */
  readonly tip: string | null;
}

/** Where a conversation's next turn goes: a thread, after which message, under which system prompt. */
interface ThreadPosition {
  readonly threadId: string;
  tip: string | null;
  system: string | undefined;
}

// Conversations restored from a thread, and how far they have got: each new turn chains to the
// last one's reply, also before that reply's write has reached the file.
const positions = new WeakMap<Conversation, ThreadPosition>();

/** Reads the thread `id`, if the log has it and it has a turn to take the model from. */
export function readThread(db: SqliteDatabase, id: string): LoggedThread | undefined {
  if (!threadExists(db, id)) return undefined;
  const thread = db.get<{ name: string | null; tip_message_hash: string | null }>('SELECT name, tip_message_hash FROM threads WHERE id = ?', [id])!;
  const model = db.get<{ model: string | null }>('SELECT model FROM turns WHERE thread_id = ? ORDER BY id DESC LIMIT 1', [id])?.model;
  if (!model) return undefined;
  return { id, name: thread.name ?? undefined, model, history: new MessageStore(db).messagesOf(thread.tip_message_hash), tip: thread.tip_message_hash };
}

/** Marks `conversation` as the continuation of `thread`: its turns are logged to the thread. */
export function continueThread(conversation: Conversation, thread: LoggedThread): void {
  const system = thread.history.findLast((message) => message.role === 'system');
  positions.set(conversation, { threadId: thread.id, tip: thread.tip, system: system ? textOf(system) : undefined });
}

/** A new turn of a thread, ready to be written. */
export interface ThreadTurnRecord {
  readonly threadId: string;
  readonly turnId: string;
  /** The new messages, oldest first, with their hashes and parents. */
  readonly messages: readonly { hash: string; parentHash: string | null; message: HistoryMessage }[];
  readonly parentHash: string | null;
  readonly tipHash: string | null;
  readonly schema: { readonly id: string; readonly json: string } | undefined;
  readonly turn: {
    readonly model: string;
    readonly resolved_model: string | null;
    readonly options_json: string | null;
    readonly input_tokens: number | null;
    readonly output_tokens: number | null;
    readonly token_details: string | null;
    readonly duration_ms: number | null;
    readonly datetime_utc: string | null;
  };
  readonly search: { readonly prompt: string; readonly response: string };
}

/**
 * The record of `response` as a new turn of the thread its conversation continues, or undefined
 * if it continues none. The messages are what the model was sent after the thread's history (a
 * system prompt if this one differs, the prompt) and its reply, as the Python llm 0.32 stores them.
 */
export function threadTurnRecord(response: Response, text: string, usage: Usage): ThreadTurnRecord | undefined {
  const position = response.conversation ? positions.get(response.conversation) : undefined;
  if (!position) return undefined;
  const input: HistoryMessage[] = [];
  const system = response.prompt.system;
  if (system && system !== position.system) input.push({ role: 'system', parts: [{ type: 'text', text: system }] });
  if (response.prompt.prompt) input.push({ role: 'user', parts: [{ type: 'text', text: response.prompt.prompt }] });
  const output: HistoryMessage[] = text ? [{ role: 'assistant', parts: [{ type: 'text', text }] }] : [];
  const messages: { hash: string; parentHash: string | null; message: HistoryMessage }[] = [];
  let tip = position.tip;
  const chain = (message: HistoryMessage) => {
    const parentHash = tip;
    tip = messageHash(message, parentHash);
    messages.push({ hash: tip, parentHash, message });
  };
  input.forEach(chain);
  const parentHash = tip;
  output.forEach(chain);
  position.tip = tip;
  if (system) position.system = system;
  return {
    threadId: position.threadId,
    turnId: response.id,
    messages,
    parentHash,
    tipHash: tip,
    schema: response.prompt.schema ? schemaId(response.prompt.schema) : undefined,
    turn: {
      model: response.model.id,
      resolved_model: response.resolvedModel ?? null,
      options_json: pythonDump(Object.fromEntries(Object.entries(response.prompt.options ?? {}).filter(([, value]) => value !== undefined && value !== null))),
      input_tokens: usage.input ?? null,
      output_tokens: usage.output ?? null,
      token_details: pythonDump(usage.details),
      duration_ms: response.durationMs ?? null,
      datetime_utc: response.datetimeUtc ?? null,
    },
    search: { prompt: input.at(-1)?.role === 'user' ? response.prompt.prompt : '', response: text },
  };
}

/** The statements that write a thread turn (see ThreadTurnRecord), in order. */
export function threadTurnStatements(record: ThreadTurnRecord): Statement[] {
  const statements: Statement[] = [];
  for (const { hash, parentHash, message } of record.messages) {
    // A message already stored (the same content after the same parent) is left as it is, parts and all.
    statements.push(['INSERT OR IGNORE INTO [messages] ([hash], [parent_hash], [role], [provider_metadata]) VALUES (?, ?, ?, NULL)', [hash, parentHash, message.role]]);
    message.parts.forEach((part, position) => {
      if (part.type !== 'text') throw new Error(`cannot log a ${part.type} part to a thread`);
      statements.push(['INSERT OR IGNORE INTO [parts] ([message_hash], [position], [type], [tool_name], [text], [payload]) VALUES (?, ?, ?, NULL, ?, NULL)', [hash, position, 'text', part.text]]);
    });
  }
  if (record.schema) statements.push(['INSERT OR IGNORE INTO [schemas] ([id], [content]) VALUES (?, ?)', [record.schema.id, record.schema.json]]);
  const t = record.turn;
  statements.push([
    `INSERT OR REPLACE INTO [turns] ([id], [thread_id], [parent_message_hash], [tip_message_hash], [model], [resolved_model], [options_json], [schema_id],
       [input_tokens], [output_tokens], [token_details], [duration_ms], [datetime_utc]) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [record.turnId, record.threadId, record.parentHash, record.tipHash, t.model, t.resolved_model, t.options_json, record.schema?.id ?? null, t.input_tokens, t.output_tokens, t.token_details, t.duration_ms, t.datetime_utc],
  ]);
  statements.push(['DELETE FROM [turn_search] WHERE [turn_id] = ?', [record.turnId]]);
  if (record.search.prompt || record.search.response) {
    statements.push(['INSERT INTO [turn_search] ([turn_id], [prompt], [response]) VALUES (?, ?, ?)', [record.turnId, record.search.prompt, record.search.response]]);
  }
  statements.push(['UPDATE [threads] SET [tip_message_hash] = ? WHERE [id] = ?', [record.tipHash, record.threadId]]);
  return statements;
}

/** The Python llm's `_dump`: `json.dumps(value)` when it is not empty, else NULL. */
function pythonDump(value: Readonly<Record<string, unknown>> | undefined): string | null {
  return value && Object.keys(value).length > 0 ? pythonJsonDumps(value) : null;
}

function textOf(message: HistoryMessage): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
