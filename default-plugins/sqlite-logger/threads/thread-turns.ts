import type { Attachment, HistoryMessage, MessageAttachment, MessagePart, Response, Usage } from 'llm-host';
import { schemaId } from '../schema-id.js';
import { pythonJson, toolHash } from '../tool-record.js';
import { canonicalAttachment, messageDict, messageHash } from './message-hash.js';
import { pythonJsonDumps } from './python-json.js';
import { threadPosition } from './thread-positions.js';
import { condenseTurnPayload } from './turn-payload.js';
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
export async function threadTurnRecord(response: Response, text: string, usage: Usage): Promise<ThreadTurnRecord | undefined> {
  const position = threadPosition(response.conversation);
  if (!position) return undefined;
  const { prompt } = response;
  // What the Python llm 0.32 appends to the chain for a turn (`_append_turn_input`): a tool message
  // of the tool results, then a user message of the prompt's text and attachments.
  const input: HistoryMessage[] = [];
  const system = prompt.system;
  if (system && system !== position.system) input.push({ role: 'system', parts: [{ type: 'text', text: system }] });
  // In a chain (ours and 0.32's `_append_tool_results_to_chain`) the tools' attachments travel as
  // the prompt's own, in the user message after the tool results, and the results carry none; a
  // prompt given results with attachments of their own keeps them on the results (`_append_turn_input`).
  const inChain = prompt.toolResults.every((result) => (result.attachments ?? []).every((a) => prompt.attachments.includes(a)));
  if (prompt.toolResults.length > 0) {
    const parts: MessagePart[] = [];
    for (const result of prompt.toolResults) {
      const attachments = inChain ? [] : await Promise.all((result.attachments ?? []).map(messageAttachment));
      parts.push({
        type: 'tool_result',
        name: result.name,
        output: result.output,
        toolCallId: result.toolCallId,
        // 0.32's _format_tool_exception: "ClassName: message".
        ...(result.exception ? { exception: `${result.exception.name}: ${result.exception.message}` } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      });
    }
    input.push({ role: 'tool', parts });
  }
  const userParts: MessagePart[] = [];
  if (prompt.prompt) userParts.push({ type: 'text', text: prompt.prompt });
  for (const attachment of prompt.attachments) userParts.push({ type: 'attachment', attachment: await messageAttachment(attachment) });
  if (userParts.length > 0) input.push({ role: 'user', parts: userParts });
  // The reply: its text, then the tools it called, as one assistant message.
  const outputParts: MessagePart[] = [];
  if (text) outputParts.push({ type: 'text', text });
  for (const call of response.toolCallsSoFar) {
    outputParts.push({ type: 'tool_call', name: call.name, arguments: call.arguments as Record<string, unknown>, toolCallId: call.toolCallId });
  }
  const output: HistoryMessage[] = outputParts.length > 0 ? [{ role: 'assistant', parts: outputParts }] : [];
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
      // The model's raw payload, condensed against the reply's messages, the tools and the schema.
      response_json: condenseTurnPayload(response.responseJson, {
        messages: output.map((message) => messageDict(message, canonicalAttachment)),
        tools: prompt.tools.map((tool) => [tool.name, tool.description] as const),
        schema: prompt.schema,
      }),
    },
    search: { prompt: input.at(-1)?.role === 'user' ? response.prompt.prompt : '', response: text },
    tools: prompt.tools.map((tool) => ({
      hash: toolHash(tool),
      name: tool.name,
      description: tool.description ?? null,
      inputSchema: pythonJson(tool.inputSchema),
      plugin: tool.plugin ?? null,
      // A toolbox method's configured instance (0.32 names it by the tool name's first word).
      instance: tool.instance ? { name: tool.name.split('_')[0]!, plugin: tool.plugin ?? null, arguments: pythonJson(tool.instance.config) } : null,
    })),
    instantiations: prompt.toolResults.flatMap((result) =>
      result.instance && result.toolCallId
        ? [{ toolCallId: result.toolCallId, instance: { name: result.name.split('_')[0]!, plugin: prompt.tools.find((tool) => tool.name === result.name)?.plugin ?? null, arguments: pythonJson(result.instance.config) } }]
        : [],
    ),
  };
}

/** An attachment as a message part carries it (its type resolved, as 0.32 hashes and stores it). */
async function messageAttachment(attachment: Attachment): Promise<MessageAttachment> {
  return { type: await attachment.resolveType(), path: attachment.path, url: attachment.url, content: attachment.content };
}

/** The Python llm's `_dump`: `json.dumps(value)` when it is not empty, else NULL. */
function pythonDump(value: Readonly<Record<string, unknown>> | undefined): string | null {
  return value && Object.keys(value).length > 0 ? pythonJsonDumps(value) : null;
}
