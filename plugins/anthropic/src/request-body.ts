import { LlmError, type Conversation, type JsonSchema, type Prompt, type Response, type ToolCall, type ToolResult } from 'llm-host';
import type { AttachmentBlocks } from './attachment-blocks.js';
import type { ClaudeSpec } from './catalog.js';
import { MIN_THINKING_BUDGET, type ClaudeOptions } from './options-schema.js';

/** One content block of a message (text here; images, documents and tool blocks have the same shape). */
export type ContentBlock = { readonly type: string; [field: string]: unknown };

/** One Messages API message. */
export interface MessageParam {
  readonly role: 'user' | 'assistant';
  readonly content: ContentBlock[];
}

/** The name of the tool a model without structured outputs is made to call for `--schema`. */
export const SCHEMA_TOOL = 'output_structured_data';

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * The messages for a prompt: in a conversation, every earlier turn (the results of the tools it
 * ran, the user's attachments and prompt; the model's reply with its thinking and the tools it
 * called), then this prompt. A prompt that only carries tool results (the next step of a chain) has
 * no text. Empty turns are left out (the API rejects empty text blocks). `attachments` holds the
 * block of every attachment sent (see attachmentBlocks).
 */
export function buildMessages(prompt: Prompt, conversation: Conversation | undefined, attachments: AttachmentBlocks = new Map()): MessageParam[] {
  const messages: MessageParam[] = [];
  const add = (role: MessageParam['role'], blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    // The API wants turns to alternate: consecutive blocks of one role go in one message.
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  /**
   * What the user side of a turn sends: tool results first (the API wants them before anything
   * else), then attachments (before the text, as the API recommends), then the text.
   */
  const userBlocks = (turn: Prompt): ContentBlock[] => [
    ...turn.toolResults.map(toolResultBlock),
    ...turn.attachments.map((attachment) => attachmentBlock(attachments, attachment)),
    ...textBlocks(turn.prompt),
  ];
  for (const earlier of conversation?.responses ?? []) {
    add('user', userBlocks(earlier.prompt));
    add('assistant', [...thinkingBlocks(earlier), ...textBlocks(earlier.textSoFar), ...earlier.toolCallsSoFar.map(toolUseBlock)]);
  }
  add('user', userBlocks(prompt));
  return messages;
}

function toolUseBlock(call: ToolCall, index: number): ContentBlock {
  const input = call.arguments && typeof call.arguments === 'object' ? call.arguments : {};
  return { type: 'tool_use', id: call.toolCallId ?? `toolu_${index}`, name: call.name, input };
}

function toolResultBlock(result: ToolResult, index: number): ContentBlock {
  return { type: 'tool_result', tool_use_id: result.toolCallId ?? `toolu_${index}`, content: result.output, ...(result.exception ? { is_error: true } : {}) };
}

/**
 * The signed thinking blocks of an earlier reply made in this process: with thinking on, the API
 * wants them back before the tool calls of that reply. (A reply restored from the log has none.)
 */
function thinkingBlocks(earlier: Response): ContentBlock[] {
  const content = (earlier.responseJson as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return [];
  return content.filter((block: ContentBlock) => (block.type === 'thinking' && block.signature) || block.type === 'redacted_thinking');
}

function attachmentBlock(blocks: AttachmentBlocks, attachment: Prompt['attachments'][number]): ContentBlock {
  const block = blocks.get(attachment);
  if (!block) throw new Error('buildMessages: the attachment blocks were not prepared (call attachmentBlocks first)');
  return block;
}

function textBlocks(text: string): ContentBlock[] {
  return text.trim() === '' ? [] : [{ type: 'text', text }];
}

/**
 * The system prompt: this prompt's, else the latest one given earlier in the conversation (the
 * Messages API has one system prompt per request, not one per turn).
 */
export function systemPrompt(prompt: Prompt, conversation: Conversation | undefined): string | undefined {
  if (prompt.system) return prompt.system;
  return conversation?.responses
    .map((earlier) => earlier.prompt.system)
    .filter(Boolean)
    .pop();
}

/** What a request needs besides its JSON body. */
export interface MessagesRequest {
  readonly body: Record<string, unknown>;
  /** `anthropic-beta` features the body uses, if any. */
  readonly betas: readonly string[];
}

/**
 * The Messages API request: model, max_tokens, messages, system, the options the user set
 * (validated already by the host), thinking, the schema (as structured output or a forced tool
 * call) and, for a stream, `stream: true`.
 */
export function buildRequest(spec: ClaudeSpec, prompt: Prompt, conversation: Conversation | undefined, stream: boolean, attachments?: AttachmentBlocks): MessagesRequest {
  const options = prompt.options as ClaudeOptions;
  const messages = buildMessages(prompt, conversation, attachments);
  const body: Record<string, unknown> = { model: spec.name, max_tokens: options.max_tokens ?? spec.defaultMaxTokens, messages };
  const betas: string[] = [];
  const system = systemPrompt(prompt, conversation);
  if (system) body.system = options.cache ? [{ type: 'text', text: system, cache_control: EPHEMERAL }] : system;
  if (options.cache) {
    // Caches everything up to the end of this prompt: the next turn reads it back.
    const blocks = messages[messages.length - 1]?.content;
    const last = blocks?.[blocks.length - 1];
    if (blocks && last) blocks[blocks.length - 1] = { ...last, cache_control: EPHEMERAL };
  }
  for (const name of ['temperature', 'top_p', 'top_k'] as const) if (options[name] !== undefined) body[name] = options[name];
  if (options.stop_sequences !== undefined) body.stop_sequences = [options.stop_sequences].flat();
  if (options.user_id) body.metadata = { user_id: options.user_id };
  const outputConfig: Record<string, unknown> = {};
  if (spec.thinking && (options.thinking || options.thinking_budget !== undefined || options.thinking_effort !== undefined)) {
    if (options.thinking_budget === undefined && spec.thinking === 'adaptive') {
      body.thinking = { type: 'adaptive' };
    } else {
      const budget = options.thinking_budget ?? MIN_THINKING_BUDGET;
      body.thinking = { type: 'enabled', budget_tokens: budget };
      // The API wants room to answer after thinking.
      if ((body.max_tokens as number) <= budget) body.max_tokens = budget + 1;
    }
  }
  if (options.thinking_effort) {
    outputConfig.effort = options.thinking_effort;
    if (spec.thinking !== 'adaptive') betas.push('effort-2025-11-24');
  }
  const tools: Record<string, unknown>[] = prompt.tools.map((tool) => ({ name: tool.name, ...(tool.description ? { description: tool.description } : {}), input_schema: tool.inputSchema }));
  if (prompt.schema) {
    if (spec.structuredOutputs) {
      outputConfig.format = { type: 'json_schema', schema: strictSchema(prompt.schema) };
    } else if (tools.length > 0) {
      throw new LlmError(`${spec.name} answers a schema by calling a tool, so it cannot take a schema and tools at once. Use a model with structured outputs (e.g. claude-sonnet-4.5), or drop one of them.`);
    } else {
      tools.push({ name: SCHEMA_TOOL, description: 'Reply with data matching this schema.', input_schema: prompt.schema });
      body.tool_choice = { type: 'tool', name: SCHEMA_TOOL };
    }
  }
  if (tools.length > 0) body.tools = tools;
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;
  if (stream) body.stream = true;
  return { body, betas };
}

/**
 * A schema as structured outputs take it: every object closed (`additionalProperties: false`)
 * unless the schema says otherwise.
 */
export function strictSchema(schema: JsonSchema): JsonSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) result[key] = walk(value);
    if (result.type === 'object' && result.additionalProperties === undefined) result.additionalProperties = false;
    return result;
  };
  return walk(schema) as JsonSchema;
}
