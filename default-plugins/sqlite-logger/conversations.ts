import { existsSync } from 'node:fs';
import { Attachment, Conversation, Fragment, Prompt, Response, type AttachmentInit, type ConversationRequest, type Model, type PluginContext, type Usage } from 'llm-host';
import type { SqliteDatabase } from './engines/types.js';
import { selectEngine } from './engines/select.js';
import { readLog } from './log-file.js';
import { hasTable } from './migrations.js';
import { logPath } from './paths.js';
import { newestConversationId } from './queries.js';
import { continueThread, readThread, type LoggedThread } from './threads/thread-read.js';
import { toolInfoByResponse, type ToolInfo } from './tool-queries.js';

/** One logged turn, as `loadConversation` reads it. */
interface TurnRow {
  id: string;
  model: string | null;
  prompt: string | null;
  system: string | null;
  options_json: string | null;
  response: string | null;
  datetime_utc: string | null;
  duration_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  token_details: string | null;
  schema_json: string | null;
}

/** A logged conversation: its row (if any) and its turns, oldest first. */
interface LoggedConversation {
  id: string;
  name: string | undefined;
  /** The model it was last continued with (the newest turn's), else the one it started with. */
  model: string;
  turns: TurnRow[];
  /** Each turn's tool calls and results, by response id. */
  tools: Map<string, ToolInfo>;
  /** Each turn's attachments, fragments and system fragments, by response id, in order. */
  extras: Map<string, TurnExtras>;
}

/** What a turn sent besides its text. */
interface TurnExtras {
  attachments: AttachmentInit[];
  fragments: Fragment[];
  systemFragments: Fragment[];
}

/**
 * The `resolveConversation` tap: rebuilds a logged conversation, newest (`-c`) or by id (`--cid`),
 * with every earlier turn restored. Undefined if there is no log or the log does not have it.
 */
export async function loadConversation(request: ConversationRequest, context: PluginContext): Promise<Conversation | undefined> {
  const path = logPath(context.userDir, request.database);
  if (!existsSync(path)) return undefined;
  const engine = await selectEngine(context.env);
  const logged = await readLog(path, engine, (db) => readConversation(db, request.id));
  if (!logged) return undefined;
  const model = await request.model(logged.model);
  if ('history' in logged) {
    // A Python llm 0.32 thread: its messages go to the model as they are, and the reply joins it.
    const conversation = new Conversation(model, { id: logged.id, name: logged.name, history: logged.history });
    continueThread(conversation, logged);
    return conversation;
  }
  return rebuild(logged, model);
}

/**
 * The conversation with this id or, none given, the newest a person had (`newestConversationId`),
 * of either generation: a Python llm 0.32 thread is read as one (its messages), the same id in
 * `responses` only if it has no thread.
 */
export function readConversation(db: SqliteDatabase, id: string | undefined): LoggedConversation | LoggedThread | undefined {
  const conversationId = id ?? newestConversationId(db);
  if (!conversationId) return undefined;
  const thread = readThread(db, conversationId);
  if (thread) return thread;
  const row = db.get<{ name: string | null; model: string | null }>('SELECT name, model FROM conversations WHERE id = ?', [conversationId]);
  // rowid order is the order the turns were logged in (ids sort the same way, to the millisecond).
  const turns = db.all<TurnRow>(
    `SELECT responses.id, responses.model, responses.prompt, responses.system, responses.options_json, responses.response,
            responses.datetime_utc, responses.duration_ms, responses.input_tokens, responses.output_tokens, responses.token_details,
            schemas.content AS schema_json
       FROM responses LEFT JOIN schemas ON schemas.id = responses.schema_id
      WHERE responses.conversation_id = ? ORDER BY responses.rowid`,
    [conversationId],
  );
  const model = turns.at(-1)?.model ?? row?.model;
  if ((!row && turns.length === 0) || !model) return undefined;
  return {
    id: conversationId,
    name: row?.name ?? undefined,
    model,
    turns,
    tools: toolInfoByResponse(db, turns.map((turn) => turn.id)),
    extras: readExtras(db, conversationId),
  };
}

/**
 * The attachments and fragments of a conversation's turns, for `-c` to send again. Logs without
 * those tables (a read-only log of an older schema) have none.
 */
function readExtras(db: SqliteDatabase, conversationId: string): Map<string, TurnExtras> {
  const extras = new Map<string, TurnExtras>();
  const of = (id: string) => {
    let entry = extras.get(id);
    if (!entry) extras.set(id, (entry = { attachments: [], fragments: [], systemFragments: [] }));
    return entry;
  };
  const inConversation = 'SELECT id FROM responses WHERE conversation_id = ?';
  if (hasTable(db, 'prompt_attachments')) {
    const rows = db.all<{ response_id: string; id: string; type: string | null; path: string | null; url: string | null; content: Uint8Array | null }>(
      `SELECT prompt_attachments.response_id, attachments.id, attachments.type, attachments.path, attachments.url, attachments.content
         FROM prompt_attachments JOIN attachments ON attachments.id = prompt_attachments.attachment_id
        WHERE prompt_attachments.response_id IN (${inConversation}) ORDER BY prompt_attachments.[order]`,
      [conversationId],
    );
    for (const row of rows) {
      const source = row.content !== null && row.content.length > 0 ? { content: row.content } : row.path !== null ? { path: row.path } : { url: row.url ?? '' };
      of(row.response_id).attachments.push({ ...source, id: row.id, type: row.type ?? undefined });
    }
  }
  for (const table of ['prompt_fragments', 'system_fragments'] as const) {
    if (!hasTable(db, table)) continue;
    const rows = db.all<{ response_id: string; content: string; source: string | null }>(
      `SELECT [${table}].response_id, fragments.content, fragments.source FROM [${table}] JOIN fragments ON fragments.id = [${table}].fragment_id
        WHERE [${table}].response_id IN (${inConversation}) ORDER BY [${table}].[order]`,
      [conversationId],
    );
    for (const row of rows) of(row.response_id)[table === 'prompt_fragments' ? 'fragments' : 'systemFragments'].push(new Fragment(row.content, row.source ?? ''));
  }
  return extras;
}

/** A Conversation with the logged turns as finished responses (`Response.restore`). */
function rebuild(logged: LoggedConversation, model: Model): Conversation {
  const conversation = new Conversation(model, { id: logged.id, name: logged.name });
  for (const turn of logged.turns) {
    const tools = logged.tools.get(turn.id);
    const extras = logged.extras.get(turn.id);
    const prompt = new Prompt(turn.prompt ?? '', model, {
      system: turn.system ?? undefined,
      options: parseObject(turn.options_json),
      schema: parseObject(turn.schema_json),
      // The results this turn sent, so that the model sees the whole exchange again.
      toolResults: tools?.tool_results.map((r) => ({ name: r.name ?? '', output: r.output ?? '', toolCallId: r.tool_call_id ?? undefined })),
      attachments: extras?.attachments.map((init) => new Attachment(init)),
      fragments: extras?.fragments,
      systemFragments: extras?.systemFragments,
    });
    const usage: Usage = {
      input: turn.input_tokens ?? undefined,
      output: turn.output_tokens ?? undefined,
      details: parseObject(turn.token_details),
    };
    conversation.responses.push(
      Response.restore({
        id: turn.id,
        prompt,
        text: turn.response ?? '',
        datetimeUtc: turn.datetime_utc ?? undefined,
        durationMs: turn.duration_ms ?? undefined,
        usage,
        conversation,
        toolCalls: tools?.tool_calls.map((c) => ({ name: c.name ?? '', arguments: c.arguments ?? {}, toolCallId: c.tool_call_id ?? undefined })),
      }),
    );
  }
  return conversation;
}

function parseObject(json: string | null): Record<string, unknown> | undefined {
  if (!json) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
