import type { HistoryMessage } from 'llm-host';
import type { Statement } from '../log-worker.js';

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
