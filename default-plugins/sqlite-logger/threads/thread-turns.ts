import type { HistoryMessage, Response, Usage } from 'llm-host';
import { schemaId } from '../schema-id.js';
import { messageHash } from './message-hash.js';
import { pythonJsonDumps } from './python-json.js';
import { threadPosition } from './thread-positions.js';
import type { ThreadTurnRecord } from './turn-statements.js';

/**
 * Continuing a Python llm 0.32 thread, and writing the new turn into its tables exactly as the
 * Python llm 0.32 writes a reply to a thread (llm/logs.py `LogStore.log`): the new messages under
 * their content hashes, chained to the thread's tip, a `turns` row, its `turn_search` row (which
 * keeps `turn_search_fts` in step through its triggers) and the thread's new tip.
 */

/**
 * The record of `response` as a new turn of the thread its conversation continues, or undefined
 * if it continues none. The messages are what the model was sent after the thread's history (a
 * system prompt if this one differs, the prompt) and its reply, as the Python llm 0.32 stores them.
 */
export function threadTurnRecord(response: Response, text: string, usage: Usage): ThreadTurnRecord | undefined {
  const position = threadPosition(response.conversation);
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

/** The Python llm's `_dump`: `json.dumps(value)` when it is not empty, else NULL. */
function pythonDump(value: Readonly<Record<string, unknown>> | undefined): string | null {
  return value && Object.keys(value).length > 0 ? pythonJsonDumps(value) : null;
}
