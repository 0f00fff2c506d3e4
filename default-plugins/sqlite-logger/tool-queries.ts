import type { SqliteDatabase } from './engines/types.js';
import type { LogTool, LogToolCall, LogToolResult } from './log-extras.js';
import { hasTable } from './migrations.js';

/** The tool information of some responses, as the Python llm's `llm logs` adds it to each row. */
export interface ToolInfo {
  tools: LogTool[];
  tool_calls: LogToolCall[];
  tool_results: LogToolResult[];
}

/** Tools, tool calls and tool results by response id (empty lists for a response without). */
export function toolInfoByResponse(db: SqliteDatabase, ids: readonly string[]): Map<string, ToolInfo> {
  const info = new Map<string, ToolInfo>(ids.map((id) => [id, { tools: [], tool_calls: [], tool_results: [] }]));
  if (ids.length === 0 || !hasTable(db, 'tools')) return info;
  const marks = ids.map(() => '?').join(', ');
  const resultColumns = db.all<{ name: string }>('PRAGMA table_info([tool_results])').map((c) => c.name);
  const exception = resultColumns.includes('exception') ? '[exception]' : 'NULL AS [exception]';
  for (const row of db.all<{ id: number; hash: string; name: string; description: string | null; response_id: string; input_schema: string | null }>(
    `SELECT tools.[id], tools.[hash], tools.[name], tools.[description], tools.[input_schema], tool_responses.[response_id]
       FROM [tools] JOIN [tool_responses] ON tools.[id] = tool_responses.[tool_id]
      WHERE tool_responses.[response_id] IN (${marks}) ORDER BY tools.[id]`,
    [...ids],
  )) {
    const { response_id, ...tool } = row;
    info.get(response_id)?.tools.push({ ...tool, input_schema: (parse(row.input_schema) ?? {}) as Record<string, unknown>, instance: null });
  }
  for (const row of db.all<{ id: number; tool_id: number | null; name: string; tool_call_id: string | null; response_id: string; arguments: string | null }>(
    `SELECT [id], [tool_id], [name], [arguments], [tool_call_id], [response_id] FROM [tool_calls] WHERE [response_id] IN (${marks}) ORDER BY [id]`,
    [...ids],
  )) {
    const { response_id, ...call } = row;
    info.get(response_id)?.tool_calls.push({ ...call, arguments: parse(row.arguments) });
  }
  for (const row of db.all<{ id: number; tool_id: number | null; name: string; output: string; tool_call_id: string | null; exception: string | null; response_id: string }>(
    `SELECT [id], [tool_id], [name], [output], [tool_call_id], ${exception}, [response_id] FROM [tool_results] WHERE [response_id] IN (${marks}) ORDER BY [id]`,
    [...ids],
  )) {
    const { response_id, ...result } = row;
    info.get(response_id)?.tool_results.push({ ...result, instance: null, attachments: [] });
  }
  const results = new Map([...info.values()].flatMap((entry) => entry.tool_results.map((result) => [result.id, result] as const)));
  if (results.size > 0 && hasTable(db, 'tool_results_attachments')) {
    const resultIds = [...results.keys()];
    for (const { tool_result_id, content_length, ...attachment } of db.all<{ tool_result_id: number; id: string; type: string | null; path: string | null; url: string | null; content_length: number | null }>(
      `SELECT tra.[tool_result_id], a.[id], a.[type], a.[path], a.[url], length(a.[content]) AS content_length
         FROM [tool_results_attachments] tra JOIN [attachments] a ON tra.[attachment_id] = a.[id]
        WHERE tra.[tool_result_id] IN (${resultIds.map(() => '?').join(', ')}) ORDER BY tra.[tool_result_id], tra.[order]`,
      resultIds,
    )) {
      const length = Number(content_length ?? 0);
      results.get(tool_result_id)?.attachments.push({ ...attachment, content: length > 0 ? true : null, content_length: length > 0 ? length : null });
    }
  }
  return info;
}

function parse(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
