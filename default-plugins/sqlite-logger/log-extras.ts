/**
 * What `llm logs` shows of a response besides its columns: the Python llm's `log_row_extras` and
 * `legacy_log_row_extras` shapes (attachments, fragments, tools, tool calls and results, reasoning),
 * so `--json` carries the same keys as the Python llm's.
 */

/** An attachment of a prompt or tool result. */
export interface LogAttachment {
  id: string;
  type: string | null;
  path: string | null;
  url: string | null;
  /** Whether the log holds the bytes (null if not). */
  content: boolean | null;
  content_length: number | null;
}

/** A fragment a prompt or system prompt was given. */
export interface LogFragment {
  hash: string;
  content: string;
  aliases: string[];
}

/** A tool the model was offered. */
export interface LogTool {
  id: number;
  hash: string;
  name: string;
  description: string | null;
  input_schema: Record<string, unknown>;
  instance: { name: string; arguments: string | null } | null;
}

/** A tool call the model made. */
export interface LogToolCall {
  id: number | null;
  tool_id: number | null;
  name: string;
  arguments: unknown;
  tool_call_id: string | null;
}

/** A tool's result, sent back to the model. */
export interface LogToolResult {
  id: number | null;
  tool_id: number | null;
  name: string;
  output: string;
  tool_call_id: string | null;
  exception: string | null;
  instance: { name: string; plugin: string | null; arguments: string | null } | null;
  attachments: LogAttachment[];
}

/** The extras of one row; each is optional so rows that do not know them render as before. */
export interface LogExtras {
  reasoning?: string | null;
  prompt_fragments?: LogFragment[];
  system_fragments?: LogFragment[];
  tools?: LogTool[];
  tool_calls?: LogToolCall[];
  tool_results?: LogToolResult[];
  attachments?: LogAttachment[];
}
