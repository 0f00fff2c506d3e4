import { existsSync } from 'node:fs';
import type { CachedResponse, CachedResponseRequest, PluginContext } from 'llm-host';
import type { SqliteDatabase } from './engines/types.js';
import { selectEngine } from './engines/select.js';
import { readLog } from './log-file.js';
import { logPath } from './paths.js';

/**
 * The `findCachedResponse` tap: the newest logged response whose request hash matches (indexed:
 * `idx_responses_request_hash`), no older than `notBefore`, with its tool calls. Responses that
 * failed are never logged, so every match is a complete answer. No log yet: no answer.
 */
export async function findCachedResponse(request: CachedResponseRequest, context: PluginContext): Promise<CachedResponse | undefined> {
  const path = logPath(context.userDir, request.database);
  if (!existsSync(path)) return undefined;
  const engine = await selectEngine(context.env);
  return readLog(path, engine, (db) => lookUp(db, request));
}

function lookUp(db: SqliteDatabase, request: CachedResponseRequest): CachedResponse | undefined {
  const row = db.get<{
    id: string;
    response: string | null;
    response_json: string | null;
    resolved_model: string | null;
    input_tokens: number | null;
    output_tokens: number | null;
    token_details: string | null;
    datetime_utc: string | null;
    duration_ms: number | null;
  }>(
    `SELECT [id], [response], [response_json], [resolved_model], [input_tokens], [output_tokens], [token_details], [datetime_utc], [duration_ms]
       FROM [responses] WHERE [request_hash] = ?${request.notBefore ? ' AND [datetime_utc] >= ?' : ''} ORDER BY [id] DESC LIMIT 1`,
    request.notBefore ? [request.hash, request.notBefore] : [request.hash],
  );
  if (!row) return undefined;
  const calls = db.all<{ name: string | null; arguments: string | null; tool_call_id: string | null }>(
    'SELECT [name], [arguments], [tool_call_id] FROM [tool_calls] WHERE [response_id] = ? ORDER BY [id]',
    [row.id],
  );
  return {
    id: row.id,
    text: row.response ?? '',
    responseJson: parse(row.response_json),
    resolvedModel: row.resolved_model ?? undefined,
    usage: { input: row.input_tokens ?? undefined, output: row.output_tokens ?? undefined, details: parse(row.token_details) as Record<string, unknown> | undefined },
    datetimeUtc: row.datetime_utc ?? undefined,
    durationMs: row.duration_ms ?? undefined,
    toolCalls: calls.map((call) => ({ name: call.name ?? '', arguments: parse(call.arguments) ?? {}, toolCallId: call.tool_call_id ?? undefined })),
  };
}

function parse(json: string | null): unknown {
  if (json === null) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
