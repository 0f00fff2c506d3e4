import type { Conversation, Prompt, ToolCall } from 'llm-host';
import type { AttachmentParts, ContentPart } from './attachment-parts.js';
import type { ChatModelSpec } from './catalog.js';
import { historyChatMessages, lastSystemPrompt, type HistoryChatMessage } from './history-messages.js';

/** One Chat Completions message. */
export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  /** Text, or for a prompt with attachments its text part and one part per attachment. */
  | { readonly role: 'user'; readonly content: string | readonly ContentPart[] }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly ChatToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string }
  | HistoryChatMessage;

/** A tool call as the API sends it and takes it back in the history. */
export interface ChatToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** The user message of a prompt: its text, or with attachments a text part and their parts. */
function userMessage(prompt: Prompt, parts: AttachmentParts | undefined): ChatMessage {
  if (prompt.attachments.length === 0) return { role: 'user', content: prompt.prompt };
  const content: ContentPart[] = prompt.prompt ? [{ type: 'text', text: prompt.prompt }] : [];
  for (const attachment of prompt.attachments) {
    const part = parts?.get(attachment);
    if (!part) throw new Error('buildMessages: attachment parts were not prepared (call attachmentParts first)');
    content.push(part);
  }
  return { role: 'user', content };
}

/**
 * The messages for a prompt: in a conversation, every earlier turn (its system prompt when it
 * changed, the user's prompt, the results of the tools it ran, the model's reply with the tools it
 * called), then this prompt's system prompt, tool results and text. A prompt that only carries
 * tool results (the next step of a chain) has no text.
 */
export function buildMessages(prompt: Prompt, conversation: Conversation | undefined, parts?: AttachmentParts): ChatMessage[] {
  // A conversation restored from a Python llm 0.32 thread starts with its structured history.
  const history = conversation?.history ?? [];
  const messages: ChatMessage[] = historyChatMessages(history);
  let currentSystem: string | undefined = lastSystemPrompt(history);
  for (const earlier of conversation?.responses ?? []) {
    const system = earlier.prompt.system;
    if (system && system !== currentSystem) {
      messages.push({ role: 'system', content: system });
      currentSystem = system;
    }
    pushPrompt(messages, earlier.prompt, parts);
    const reply = earlier.textSoFar;
    const calls = earlier.toolCallsSoFar;
    if (calls.length > 0) messages.push({ role: 'assistant', content: reply || null, tool_calls: calls.map(toChatToolCall) });
    else if (reply) messages.push({ role: 'assistant', content: reply });
  }
  if (prompt.system && prompt.system !== currentSystem) messages.push({ role: 'system', content: prompt.system });
  pushPrompt(messages, prompt, parts);
  return messages;
}

function pushPrompt(messages: ChatMessage[], prompt: Prompt, parts: AttachmentParts | undefined): void {
  for (const result of prompt.toolResults ?? []) messages.push({ role: 'tool', tool_call_id: result.toolCallId ?? result.name, content: result.output });
  if (prompt.prompt || prompt.attachments.length > 0 || (prompt.toolResults ?? []).length === 0) messages.push(userMessage(prompt, parts));
}

function toChatToolCall(call: ToolCall, index: number): ChatToolCall {
  const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
  return { id: call.toolCallId ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: args } };
}

/**
 * The Chat Completions request body: model, messages, the options the user set (validated
 * already), `response_format` for `json_object` or a schema, the tools the model may call, and for
 * a stream a request for usage.
 */
export function buildRequestBody(
  spec: ChatModelSpec,
  prompt: Prompt,
  conversation: Conversation | undefined,
  stream: boolean,
  parts?: AttachmentParts,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: spec.modelName ?? spec.id, messages: buildMessages(prompt, conversation, parts) };
  for (const [name, value] of Object.entries(prompt.options)) {
    if (value === undefined || value === null || name === 'json_object') continue;
    // Reasoning models accept only max_completion_tokens (max_tokens is deprecated for all).
    body[name === 'max_tokens' && spec.reasoningEfforts ? 'max_completion_tokens' : name] = value;
  }
  if (prompt.options.json_object === true) body.response_format = { type: 'json_object' };
  if (prompt.schema) body.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: prompt.schema } };
  if (prompt.tools.length > 0) {
    body.tools = prompt.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.inputSchema },
    }));
    body.tool_choice = 'auto';
  }
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}
