import type { Fragment, Response } from 'llm-host';
import { condenseJson, responseReplacements } from './condense-json.js';
import type { SqliteDatabase, SqlValue } from './engines/types.js';
import type { Statement } from './log-worker.js';
import { attachmentParams, attachmentRows, INSERT_ATTACHMENT, type AttachmentRow } from './attachment-rows.js';
import { schemaId } from './schema-id.js';
import { threadPosition } from './threads/thread-positions.js';
import { threadTurnStatements, type ThreadTurnRecord } from './threads/turn-statements.js';
import { toolRecord, toolStatements, type ToolRecord } from './tool-record.js';

/** Everything the log stores about one response, gathered before the database is opened. */
export interface ResponseRecord {
  readonly conversation: { readonly id: string; readonly name: string; readonly model: string; readonly origin: string };
  readonly schema: { readonly id: string; readonly json: string } | undefined;
  /** Values of the `responses` columns, by name. */
  readonly row: Readonly<Record<(typeof RESPONSE_COLUMNS)[number], SqlValue>>;
  /** Set when the response continues a Python llm 0.32 thread: it is written there instead. */
  readonly thread?: ThreadTurnRecord | undefined;
  /** Tools offered, tool calls asked for and tool results sent (the tool tables), if any. */
  readonly tools?: ToolRecord | undefined;
  /** `attachments` rows, in the prompt's order (each stored once, by id). */
  readonly attachments: readonly AttachmentRow[];
  /** `fragments` rows before the prompt, in order (each stored once, by hash). */
  readonly fragments: readonly FragmentRow[];
  /** `fragments` rows before the system prompt, in order. */
  readonly systemFragments: readonly FragmentRow[];
}

/** A `fragments` row (its integer id is the database's). */
export interface FragmentRow {
  readonly hash: string;
  readonly content: string;
  readonly source: string | null;
}

/** The `responses` columns this logger writes, in the Python llm's column order. */
export const RESPONSE_COLUMNS = [
  'id',
  'model',
  'prompt',
  'system',
  'prompt_json',
  'options_json',
  'response',
  'response_json',
  'conversation_id',
  'duration_ms',
  'datetime_utc',
  'input_tokens',
  'output_tokens',
  'token_details',
  'schema_id',
  'resolved_model',
  // Ours (js003_responses_request_hash): the response cache's key; the Python llm ignores it.
  'request_hash',
] as const;

/**
 * The record for a finished response. A response outside a conversation gets a conversation of
 * its own, named after its prompt, as in the Python llm, so `llm -c` can continue it.
 * `prompt_json` stays empty: the core does not keep the raw request (models record only the raw
 * reply, `responseJson`, which must never hold a key).
 */
export async function responseRecord(response: Response): Promise<ResponseRecord> {
  const text = await response.text();
  const usage = await response.usage();
  const conversation = response.conversation ?? response.model.conversation();
  const schema = response.prompt.schema ? schemaId(response.prompt.schema) : undefined;
  const details = usage.details && Object.keys(usage.details).length > 0 ? JSON.stringify(usage.details) : null;
  // A continued Python llm 0.32 thread: the writer (and its hashing) loads only then.
  const thread = threadPosition(response.conversation) ? await (await import('./threads/thread-turns.js')).threadTurnRecord(response, text, usage) : undefined;
  const { prompt } = response;
  const attachments = await attachmentRows(prompt.attachments);
  const fragmentRow = (fragment: Fragment): FragmentRow => ({ hash: fragment.hash, content: fragment.content, source: fragment.source || null });
  return {
    thread,
    attachments,
    fragments: prompt.fragments.map(fragmentRow),
    systemFragments: prompt.systemFragments.map(fragmentRow),
    conversation: {
      id: conversation.id,
      name: conversation.name ?? conversationName(response.prompt.prompt || response.prompt.system || ''),
      model: conversation.model.id,
      origin: response.origin,
    },
    schema,
    row: {
      id: response.id,
      model: response.model.id,
      // The text as typed: fragments are stored once each, in their own table.
      prompt: response.prompt.rawPrompt,
      system: response.prompt.rawSystem ?? null,
      prompt_json: null,
      options_json: JSON.stringify(response.prompt.options ?? {}),
      response: text,
      // Condensed as the Python llm condenses it: the reply text is in `response` already.
      response_json: response.responseJson === undefined ? null : JSON.stringify(condenseJson(response.responseJson, responseReplacements(response.id, text))),
      conversation_id: conversation.id,
      duration_ms: response.durationMs ?? null,
      datetime_utc: response.datetimeUtc ?? null,
      input_tokens: usage.input ?? null,
      output_tokens: usage.output ?? null,
      token_details: details,
      schema_id: schema?.id ?? null,
      resolved_model: response.resolvedModel ?? null,
      request_hash: response.requestHash ?? null,
    },
    tools: await toolRecord(response),
  };
}

/** Writes a record: the conversation and schema rows if new, then the response row. */
export function insertRecord(db: SqliteDatabase, record: ResponseRecord): void {
  for (const [sql, params] of recordStatements(record)) db.run(sql, params);
}

/** The Python llm's ensure_fragment: a fragment is stored once, by hash, with the time it was first seen. */
const INSERT_FRAGMENT = "INSERT INTO [fragments] ([hash], [content], [datetime_utc], [source]) VALUES (?, ?, datetime('now'), ?) ON CONFLICT([hash]) DO NOTHING";

const INSERT_RESPONSE = `INSERT INTO [responses] (${RESPONSE_COLUMNS.map((c) => `[${c}]`).join(', ')}) VALUES (${RESPONSE_COLUMNS.map(() => '?').join(', ')})`;

const INSERT_CONVERSATION = 'INSERT OR IGNORE INTO [conversations] ([id], [name], [model]) VALUES (?, ?, ?)';

// The first response decides where the conversation came from (see js002_conversation_origins).
const INSERT_ORIGIN = 'INSERT OR IGNORE INTO [conversation_origins] ([conversation_id], [origin]) VALUES (?, ?)';

/** The statements every plain response's record runs, for a connection to prepare ahead (`openAhead`). */
export const RESPONSE_STATEMENTS: readonly string[] = [INSERT_CONVERSATION, INSERT_ORIGIN, INSERT_RESPONSE];

/** The statements that write a record, in order (see insertRecord). */
export function recordStatements(record: ResponseRecord): Statement[] {
  if (record.thread) return threadTurnStatements(record.thread);
  const { conversation, schema, row } = record;
  const statements: Statement[] = [
    [INSERT_CONVERSATION, [conversation.id, conversation.name, conversation.model]],
    [INSERT_ORIGIN, [conversation.id, conversation.origin]],
  ];
  if (schema) statements.push(['INSERT OR IGNORE INTO [schemas] ([id], [content]) VALUES (?, ?)', [schema.id, schema.json]]);
  statements.push([INSERT_RESPONSE, RESPONSE_COLUMNS.map((c) => row[c])]);
  if (record.tools) statements.push(...toolStatements(String(row.id), record.tools));
  for (const [table, fragments] of [['prompt_fragments', record.fragments], ['system_fragments', record.systemFragments]] as const) {
    for (const [order, fragment] of fragments.entries()) {
      statements.push([INSERT_FRAGMENT, [fragment.hash, fragment.content, fragment.source]]);
      statements.push([`INSERT INTO [${table}] ([response_id], [fragment_id], [order]) VALUES (?, (SELECT [id] FROM [fragments] WHERE [hash] = ?), ?)`, [row.id, fragment.hash, order]]);
    }
  }
  for (const [order, attachment] of record.attachments.entries()) {
    statements.push([INSERT_ATTACHMENT, attachmentParams(attachment)]);
    // The same attachment twice in one prompt is one link, as the table's primary key allows.
    statements.push(['INSERT OR IGNORE INTO [prompt_attachments] ([response_id], [attachment_id], [order]) VALUES (?, ?, ?)', [row.id, attachment.id, order]]);
  }
  return statements;
}

/** How long a conversation name may be, in characters (the Python llm's CONVERSATION_NAME_LENGTH). */
const NAME_LENGTH = 32;

/** The Python llm's conversation name: whitespace collapsed, at most 32 characters, with an ellipsis. */
export function conversationName(text: string): string {
  const characters = Array.from(text.replace(/\s+/g, ' '));
  return characters.length <= NAME_LENGTH ? characters.join('') : `${characters.slice(0, NAME_LENGTH - 1).join('')}…`;
}
