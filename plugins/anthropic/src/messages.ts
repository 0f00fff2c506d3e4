import { LlmError, type ExecuteContext, type Prompt, type Response, type Usage } from 'llm-host';
import type { Dispatcher } from 'undici';
import { AnthropicApiError, cutError, displayUrl, networkError, redact, streamError, type Target } from './api-error.js';
import { attachmentBlocks } from './attachment-blocks.js';
import { API_VERSION } from './catalog.js';
import type { ClaudeModel } from './claude-model.js';
import { post, withRetries } from './http.js';
import { httpSettings } from './http-settings.js';
import { MessageStream, parseJson, replyText, SseReader, type MessageJson } from './message-stream.js';
import { buildRequest, SCHEMA_TOOL } from './request-body.js';

/**
 * Runs one prompt through the Messages API: builds the request, sends it (with retries), and
 * yields the reply's text as it arrives. Records on the response the tool calls the model asks
 * for (the host runs them and sends their results in the next prompt of a chain), usage (cache
 * tokens in its details), the message as JSON (never the key) and the model that answered.
 */
export async function* runMessages(model: ClaudeModel, prompt: Prompt, context: ExecuteContext): AsyncGenerator<string> {
  const settings = httpSettings(model.runtime.env, model.runtime.options);
  const target: Target = { url: `${model.baseUrl()}/v1/messages`, key: context.key, modelName: model.spec.name, timeoutMs: settings.timeoutMs };
  const { body, betas } = buildRequest(model.spec, prompt, context.conversation, context.stream, await attachmentBlocks(prompt, context.conversation));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: context.stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': API_VERSION,
    'user-agent': `llm/${model.runtime.version} llm-anthropic`,
    ...(context.key ? { 'x-api-key': context.key } : {}),
    ...(betas.length > 0 ? { 'anthropic-beta': betas.join(',') } : {}),
  };
  const json = JSON.stringify(body);
  const outputTool = prompt.schema && !model.spec.structuredOutputs ? SCHEMA_TOOL : undefined;
  yield* withRetries(settings, context.signal, async function* () {
    const answer = await post(target, headers, json, settings, context.signal);
    const streamed = String(answer.headers['content-type'] ?? '').includes('text/event-stream');
    const message = streamed ? yield* readStream(answer, target, outputTool, context.signal) : yield* readWhole(answer, target, outputTool, context.signal);
    finish(context.response, model, target, message, outputTool);
  });
}

/** Reads an SSE stream up to `message_stop`, yielding the text of the events each network read completes. */
async function* readStream(answer: Dispatcher.ResponseData, target: Target, outputTool: string | undefined, signal: AbortSignal): AsyncGenerator<string, MessageJson> {
  const reader = new SseReader();
  const stream = new MessageStream(target, outputTool);
  let received = 0;
  try {
    for await (const bytes of answer.body) {
      // After message_stop, read on to the end so the connection can be reused.
      if (stream.finished) continue;
      let batch = '';
      for (const event of reader.push(bytes as Uint8Array)) batch += stream.apply(event);
      if (batch) {
        received += batch.length;
        yield batch;
      }
    }
    let rest = '';
    for (const event of reader.end()) rest += stream.apply(event);
    if (rest) yield rest;
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    if (error instanceof LlmError) throw error;
    throw networkError(target, error, received);
  }
  if (!stream.finished) throw cutError(target, received);
  return stream.message;
}

/** Reads a whole message (`--no-stream`). */
async function* readWhole(answer: Dispatcher.ResponseData, target: Target, outputTool: string | undefined, signal: AbortSignal): AsyncGenerator<string, MessageJson> {
  let text: string;
  try {
    text = await answer.body.text();
  } catch (error) {
    throw signal.aborted ? (signal.reason ?? error) : networkError(target, error);
  }
  const message = parseJson(text, target) as MessageJson;
  if ((message as { type?: unknown }).type === 'error') throw streamError(target, text);
  if (!Array.isArray(message.content)) {
    throw new AnthropicApiError(`${displayUrl(target.url)} sent a reply without content`, 'Is ANTHROPIC_BASE_URL the root of the Anthropic API?');
  }
  const reply = replyText(message, outputTool);
  if (reply) yield reply;
  return message;
}

/** Records usage, the tools the model asks for, the message and the resolved model once the reply is complete. */
function finish(response: Response, model: ClaudeModel, target: Target, message: MessageJson, outputTool: string | undefined): void {
  const { usage, ...rest } = message;
  if (message.stop_reason === 'refusal' && replyText(message, outputTool).trim() === '') {
    throw new LlmError(`${model.id} declined to answer (stop_reason: refusal). Rephrase the prompt, or try another model.`);
  }
  if (usage) response.setUsage(toUsage(usage));
  for (const block of message.content) {
    if (block.type === 'tool_use' && block.name !== outputTool) response.addToolCall({ name: String(block.name), arguments: block.input ?? {}, toolCallId: String(block.id) });
  }
  const raw = JSON.stringify(rest);
  // The log keeps the message as sent, minus usage (logged in its own columns, as the Python plugin does).
  response.responseJson = target.key && raw.includes(target.key) ? JSON.parse(redact(raw, target.key)) : rest;
  if (typeof message.model === 'string' && message.model !== model.spec.name) response.resolvedModel = message.model;
}

/**
 * Anthropic's usage as `{ input, output, details }`. Details keep the other token counts that
 * are not zero (cache writes and reads, server tool use), so they land in `token_details`.
 */
export function toUsage(usage: Record<string, unknown>): Usage {
  const { input_tokens: input, output_tokens: output, ...rest } = usage;
  const details = counts(rest);
  return {
    ...(typeof input === 'number' ? { input } : {}),
    ...(typeof output === 'number' ? { output } : {}),
    ...(details ? { details } : {}),
  };
}

/** The non-zero numbers of a usage object, nested objects included; undefined when there are none. */
function counts(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'number' && inner !== 0) result[key] = inner;
    else if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const nested = counts(inner as Record<string, unknown>);
      if (nested) result[key] = nested;
    }
  }
  return Object.keys(result).length > 0 ? result : undefined;
}
