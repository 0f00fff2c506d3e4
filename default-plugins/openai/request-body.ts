import type { Conversation, Prompt } from 'llm-host';
import type { ChatModelSpec } from './catalog.js';
import { historyChatMessages, lastSystemPrompt, type HistoryChatMessage } from './history-messages.js';

/** One Chat Completions message. */
export type ChatMessage =
  | {
      readonly role: 'system' | 'user' | 'assistant';
      readonly content: string;
    }
  | HistoryChatMessage;

/**
 * The messages for a prompt: in a conversation, every earlier turn (its system prompt when it
 * changed, the user's prompt, the model's reply), then this prompt's system prompt and text.
 */
export function buildMessages(prompt: Prompt, conversation: Conversation | undefined): ChatMessage[] {
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
    messages.push({ role: 'user', content: earlier.prompt.prompt });
    const reply = earlier.textSoFar;
    if (reply) messages.push({ role: 'assistant', content: reply });
  }
  if (prompt.system && prompt.system !== currentSystem) messages.push({ role: 'system', content: prompt.system });
  messages.push({ role: 'user', content: prompt.prompt });
  return messages;
}

/**
 * The Chat Completions request body: model, messages, the options the user set (validated
 * already), `response_format` for `json_object` or a schema, and for a stream a request for usage.
 */
export function buildRequestBody(
  spec: ChatModelSpec,
  prompt: Prompt,
  conversation: Conversation | undefined,
  stream: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: spec.modelName ?? spec.id, messages: buildMessages(prompt, conversation) };
  for (const [name, value] of Object.entries(prompt.options)) {
    if (value === undefined || value === null || name === 'json_object') continue;
    // Reasoning models accept only max_completion_tokens (max_tokens is deprecated for all).
    body[name === 'max_tokens' && spec.reasoningEfforts ? 'max_completion_tokens' : name] = value;
  }
  if (prompt.options.json_object === true) body.response_format = { type: 'json_object' };
  if (prompt.schema) body.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: prompt.schema } };
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}
