import type { HistoryMessage, MessageAttachment, MessagePart } from 'llm-host';
import { attachmentId, partDict } from './message-dict.js';
import { pythonJsonDumps } from './python-json.js';
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
    /** `json.dumps` of the condensed payload (see turn-payload.ts). */
    readonly response_json: string | null;
  };
  readonly search: { readonly prompt: string; readonly response: string };
  /** The tools the turn was offered (`tools`, `turn_tools`), each with its toolbox instance, if any. */
  readonly tools: readonly (ToolRow & { readonly instance: ToolInstanceRow | null })[];
  /** The toolbox instances that served the tool results this turn sent (`tool_instantiations`). */
  readonly instantiations: readonly { readonly toolCallId: string; readonly instance: ToolInstanceRow }[];
}

/** A `tools` row, keyed by its hash (the Python llm's `Tool.hash()`). */
interface ToolRow {
  readonly hash: string;
  readonly name: string;
  readonly description: string | null;
  readonly inputSchema: string;
  readonly plugin: string | null;
}

/** A `tool_instances` row: a toolbox's configuration (its arguments as JSON). */
interface ToolInstanceRow {
  readonly name: string;
  readonly plugin: string | null;
  readonly arguments: string;
}

/** 0.32's ensure_tool_instance: each (name, plugin, arguments) stored once. */
function ensureToolInstance(instance: ToolInstanceRow): Statement {
  return [
    'INSERT INTO [tool_instances] ([name], [plugin], [arguments]) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM [tool_instances] WHERE [name] IS ? AND [plugin] IS ? AND [arguments] IS ?)',
    [instance.name, instance.plugin, instance.arguments, instance.name, instance.plugin, instance.arguments],
  ];
}

const INSTANCE_ID = '(SELECT [id] FROM [tool_instances] WHERE [name] IS ? AND [plugin] IS ? AND [arguments] IS ? ORDER BY [id] LIMIT 1)';

/** A part row as 0.32's `_write_part` stores it: `to_dict()` without its type, text in its own column, attachments by id. */
function partRow(part: MessagePart): { text: string | null; toolName: string | null; payload: string | null; attachments: readonly MessageAttachment[] } {
  const { type: _type, ...payload } = partDict(part, (attachment) => ({ id: attachmentId(attachment) }));
  let text: string | null = null;
  if ((part.type === 'text' || part.type === 'reasoning') && 'text' in payload) {
    text = payload.text as string;
    delete payload.text;
  }
  const attachments = part.type === 'attachment' ? [part.attachment] : part.type === 'tool_result' ? (part.attachments ?? []) : [];
  return { text, toolName: typeof payload.name === 'string' ? payload.name : null, payload: Object.keys(payload).length > 0 ? pythonJsonDumps(payload) : null, attachments };
}

/** The statements that write a thread turn (see ThreadTurnRecord), in order. */
export function threadTurnStatements(record: ThreadTurnRecord): Statement[] {
  const statements: Statement[] = [];
  for (const { hash, parentHash, message } of record.messages) {
    // A message already stored (the same content after the same parent) is left as it is, parts and all.
    statements.push(['INSERT OR IGNORE INTO [messages] ([hash], [parent_hash], [role], [provider_metadata]) VALUES (?, ?, ?, NULL)', [hash, parentHash, message.role]]);
    message.parts.forEach((part, position) => {
      const row = partRow(part);
      // 0.32's ensure_attachment: each attachment once, by its content id.
      for (const attachment of row.attachments) {
        statements.push([
          'INSERT OR REPLACE INTO [attachments] ([id], [type], [path], [url], [content]) VALUES (?, ?, ?, ?, ?)',
          [attachmentId(attachment), attachment.type ?? null, attachment.path ?? null, attachment.url ?? null, attachment.content ?? null],
        ]);
      }
      statements.push(['INSERT OR IGNORE INTO [parts] ([message_hash], [position], [type], [tool_name], [text], [payload]) VALUES (?, ?, ?, ?, ?, ?)', [hash, position, part.type, row.toolName, row.text, row.payload]]);
      row.attachments.forEach((attachment, order) => {
        statements.push([
          'INSERT OR IGNORE INTO [part_attachments] ([part_id], [attachment_id], [order]) VALUES ((SELECT [id] FROM [parts] WHERE [message_hash] = ? AND [position] = ?), ?, ?)',
          [hash, position, attachmentId(attachment), order],
        ]);
      });
    });
  }
  if (record.schema) statements.push(['INSERT OR IGNORE INTO [schemas] ([id], [content]) VALUES (?, ?)', [record.schema.id, record.schema.json]]);
  const t = record.turn;
  statements.push([
    `INSERT OR REPLACE INTO [turns] ([id], [thread_id], [parent_message_hash], [tip_message_hash], [model], [resolved_model], [options_json], [schema_id],
       [input_tokens], [output_tokens], [token_details], [duration_ms], [datetime_utc], [response_json]) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      record.turnId, record.threadId, record.parentHash, record.tipHash, t.model, t.resolved_model, t.options_json, record.schema?.id ?? null,
      t.input_tokens, t.output_tokens, t.token_details, t.duration_ms, t.datetime_utc, t.response_json,
    ],
  ]);
  for (const tool of record.tools) {
    statements.push([
      'INSERT INTO [tools] ([hash], [name], [description], [input_schema], [plugin]) VALUES (?, ?, ?, ?, ?) ON CONFLICT([hash]) DO NOTHING',
      [tool.hash, tool.name, tool.description, tool.inputSchema, tool.plugin],
    ]);
    if (tool.instance) statements.push(ensureToolInstance(tool.instance));
    statements.push([
      `INSERT OR REPLACE INTO [turn_tools] ([turn_id], [tool_id], [instance_id]) VALUES (?, (SELECT [id] FROM [tools] WHERE [hash] = ?), ${tool.instance ? INSTANCE_ID : '?'})`,
      [record.turnId, tool.hash, ...(tool.instance ? [tool.instance.name, tool.instance.plugin, tool.instance.arguments] : [null])],
    ]);
  }
  for (const { toolCallId, instance } of record.instantiations) {
    statements.push(ensureToolInstance(instance));
    statements.push([`INSERT OR REPLACE INTO [tool_instantiations] ([turn_id], [tool_call_id], [instance_id]) VALUES (?, ?, ${INSTANCE_ID})`, [record.turnId, toolCallId, instance.name, instance.plugin, instance.arguments]]);
  }
  statements.push(['DELETE FROM [turn_search] WHERE [turn_id] = ?', [record.turnId]]);
  if (record.search.prompt || record.search.response) {
    statements.push(['INSERT INTO [turn_search] ([turn_id], [prompt], [response]) VALUES (?, ?, ?)', [record.turnId, record.search.prompt, record.search.response]]);
  }
  statements.push(['UPDATE [threads] SET [tip_message_hash] = ? WHERE [id] = ?', [record.tipHash, record.threadId]]);
  return statements;
}
