import { createHash } from 'node:crypto';
import type { Response, Toolbox } from 'llm-host';
import type { Statement } from './log-worker.js';
import { attachmentParams, attachmentRows, INSERT_ATTACHMENT, type AttachmentRow } from './attachment-rows.js';

/** What the log's tool tables get for one response, as the Python llm 0.31's `log_to_db` writes them. */
export interface ToolRecord {
  /** `tools` rows (inserted once per hash) and the `tool_responses` links. */
  readonly tools: readonly { readonly hash: string; readonly name: string; readonly description: string | null; readonly inputSchema: string; readonly plugin: string | null }[];
  /** `tool_calls` rows: the calls this response asked for. */
  readonly calls: readonly { readonly name: string; readonly arguments: string; readonly toolCallId: string | null; readonly toolHash: string | null }[];
  /** `tool_results` rows: the results this response's prompt carried. */
  readonly results: readonly {
    readonly name: string;
    readonly output: string;
    readonly toolCallId: string | null;
    readonly toolHash: string | null;
    readonly exception: string | null;
    readonly instance: { readonly plugin: string | null; readonly name: string; readonly arguments: string; readonly isNew: boolean } | null;
    /** The attachments the tool returned (`tool_results_attachments`), in order. */
    readonly attachments: readonly AttachmentRow[];
  }[];
}

/** Toolbox instances already given a `tool_instances` row by this process. */
const loggedInstances = new WeakSet<Toolbox>();

/** The tool record of a finished response; undefined when it used no tools. */
export async function toolRecord(response: Response): Promise<ToolRecord | undefined> {
  const { tools, toolResults } = response.prompt;
  const calls = response.toolCallsSoFar;
  if (tools.length === 0 && calls.length === 0 && toolResults.length === 0) return undefined;
  const hashes = new Map<string, string>();
  const toolRows = tools.map((tool) => {
    const hash = toolHash(tool);
    hashes.set(tool.name, hash);
    return { hash, name: tool.name, description: tool.description ?? null, inputSchema: pythonJson(tool.inputSchema), plugin: tool.plugin ?? null };
  });
  return {
    tools: toolRows,
    calls: calls.map((call) => ({ name: call.name, arguments: pythonJson(call.arguments), toolCallId: call.toolCallId ?? null, toolHash: hashes.get(call.name) ?? null })),
    results: await Promise.all(toolResults.map(async (result) => {
      let instance: ToolRecord['results'][number]['instance'] = null;
      if (result.instance) {
        const isNew = !loggedInstances.has(result.instance);
        loggedInstances.add(result.instance);
        instance = { plugin: result.instance.plugin ?? null, name: result.instance.toolboxName, arguments: pythonJson(result.instance.config), isNew };
      }
      return {
        name: result.name,
        output: result.output,
        toolCallId: result.toolCallId ?? null,
        toolHash: hashes.get(result.name) ?? null,
        exception: result.exception ? `${result.exception.name}: ${result.exception.message}` : null,
        instance,
        attachments: await attachmentRows(result.attachments ?? []),
      };
    })),
  };
}

const TOOL_ID = '(SELECT [id] FROM [tools] WHERE [hash] = ?)';
const INSTANCE_ID = '(SELECT [id] FROM [tool_instances] WHERE [plugin] IS ? AND [name] = ? AND [arguments] = ? ORDER BY [id] DESC LIMIT 1)';

/** The statements that write a response's tool record (after its `responses` row). */
export function toolStatements(responseId: string, record: ToolRecord): Statement[] {
  const statements: Statement[] = [];
  for (const tool of record.tools) {
    statements.push([
      'INSERT INTO [tools] ([hash], [name], [description], [input_schema], [plugin]) VALUES (?, ?, ?, ?, ?) ON CONFLICT([hash]) DO NOTHING',
      [tool.hash, tool.name, tool.description, tool.inputSchema, tool.plugin],
    ]);
    statements.push([`INSERT OR IGNORE INTO [tool_responses] ([tool_id], [response_id]) VALUES (${TOOL_ID}, ?)`, [tool.hash, responseId]]);
  }
  for (const call of record.calls) {
    statements.push([
      `INSERT INTO [tool_calls] ([response_id], [tool_id], [name], [arguments], [tool_call_id]) VALUES (?, ${TOOL_ID}, ?, ?, ?)`,
      [responseId, call.toolHash, call.name, call.arguments, call.toolCallId],
    ]);
  }
  for (const result of record.results) {
    const instance = result.instance;
    if (instance?.isNew) {
      statements.push(['INSERT INTO [tool_instances] ([plugin], [name], [arguments]) VALUES (?, ?, ?)', [instance.plugin, instance.name, instance.arguments]]);
    }
    statements.push([
      `INSERT INTO [tool_results] ([response_id], [tool_id], [name], [output], [tool_call_id], [instance_id], [exception]) VALUES (?, ${TOOL_ID}, ?, ?, ?, ${instance ? INSTANCE_ID : '?'}, ?)`,
      [responseId, result.toolHash, result.name, result.output, result.toolCallId, ...(instance ? [instance.plugin, instance.name, instance.arguments] : [null]), result.exception],
    ]);
    // As the Python llm 0.31's log_to_db: each attachment once in `attachments`, linked in order to
    // the result just inserted (the newest of this response's results).
    for (const [order, attachment] of result.attachments.entries()) {
      statements.push([INSERT_ATTACHMENT, attachmentParams(attachment)]);
      statements.push([
        'INSERT OR IGNORE INTO [tool_results_attachments] ([tool_result_id], [attachment_id], [order]) VALUES ((SELECT max([id]) FROM [tool_results] WHERE [response_id] = ?), ?, ?)',
        [responseId, attachment.id, order],
      ]);
    }
  }
  return statements;
}

/**
 * The Python llm's `Tool.hash()`: SHA-256 of `json.dumps({"name", "description", "input_schema"
 * [, "plugin"]})`, so a tool logged by either gets one `tools` row.
 */
export function toolHash(tool: { name: string; description?: string | undefined; inputSchema: unknown; plugin?: string | undefined }): string {
  const data: Record<string, unknown> = { name: tool.name, description: tool.description ?? null, input_schema: tool.inputSchema };
  if (tool.plugin) data.plugin = tool.plugin;
  return createHash('sha256').update(pythonJson(data), 'utf8').digest('hex');
}

/** Python's `json.dumps(value)` with its default separators (`", "`, `": "`) and ASCII escapes. */
export function pythonJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return ascii(JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) return `[${value.map((item) => pythonJson(item)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([key, v]) => `${ascii(JSON.stringify(key))}: ${pythonJson(v)}`).join(', ')}}`;
}

function ascii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
