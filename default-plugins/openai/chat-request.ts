import { currentRequestBatcher, LlmError, type ExecuteContext, type Prompt, type Response, type Usage } from 'llm-host';
import { cutError, displayUrl, networkError, OpenAIApiError, redact, type Target } from './api-error.js';
import type { OpenAIChatModel } from './chat-model.js';
import { loadHttp, send, withRetries, type OkResponse } from './http.js';
import { httpSettings } from './http-settings.js';
import { attachmentParts } from './attachment-parts.js';
import { batchApiFor } from './batch-api.js';
import { buildRequestBody } from './request-body.js';
import { SseParser } from './sse.js';
import { ToolCallAssembler, toToolCall, type ToolCallDelta, type ToolCallJson } from './tool-calls.js';

/** Loads the HTTP client now (see OpenAIChatModel.prepare). */
export async function prepareChat(): Promise<void> {
  await loadHttp();
}

/**
 * Runs one prompt through the Chat Completions API: builds the request, sends it (with retries),
 * and yields the reply's text as it arrives. Records usage, the raw JSON (never the key) and the
 * model the API says answered on the response.
 */
export async function* runChat(model: OpenAIChatModel, prompt: Prompt, context: ExecuteContext): AsyncGenerator<string> {
  if (prompt.schema && !model.supportsSchema) {
    throw new LlmError(`Model '${model.id}' does not support schemas. Pick one that does (see 'llm models --options'), or set supports_schema: true for it in extra-openai-models.yaml.`);
  }
  const settings = httpSettings(model.runtime.env, model.runtime.options);
  const baseUrl = model.baseUrl();
  const target: Target = {
    url: `${baseUrl}/chat/completions`,
    key: context.key,
    keyFix: keyFix(model),
    // Only a 404 needs it: built then, not for every request.
    get notFoundFix() {
      return `Check the model name '${model.modelName}' ('llm openai models' lists what the server offers) and the base URL ${displayUrl(baseUrl)} (OPENAI_BASE_URL or api_base; it usually ends in /v1).`;
    },
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
  };
  const parts = await attachmentParts(prompt, context.conversation);
  // In a batch (`llm experiments run --batch`), the request is a line of a batch, not sent now.
  const batcher = currentRequestBatcher();
  if (batcher) {
    const request = buildRequestBody(model.spec, prompt, context.conversation, false, parts);
    const api = batchApiFor({ baseUrl, key: context.key, keyFix: target.keyFix, headers: model.spec.headers ?? {}, userAgent: `llm/${model.runtime.version}`, settings });
    const reply = await batcher.submit({ api, endpoint: '/v1/chat/completions', model: String(request.model), body: request }, context.signal);
    yield* completionText(reply as CompletionJson, { ...target, url: `${api.where}/batches` }, model, context.response);
    return;
  }
  const body = JSON.stringify(buildRequestBody(model.spec, prompt, context.conversation, context.stream, parts));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: context.stream ? 'text/event-stream' : 'application/json',
    'user-agent': `llm/${model.runtime.version}`,
    ...(context.key ? { authorization: `Bearer ${context.key}` } : {}),
    ...model.spec.headers,
  };
  const attempt = async function* (): AsyncGenerator<string> {
    const answer = await send(target, { method: 'POST', headers, body }, settings, context.signal);
    const type = String(answer.headers['content-type'] ?? '');
    // Some compatible servers ignore `stream`; read what was actually sent.
    if (type.includes('text/event-stream')) yield* readStream(answer, target, model, context.response, context.signal);
    else yield* readCompletion(answer, target, model, context.response, context.signal);
  };
  yield* withRetries(target, settings, context.signal, attempt);
}

/** How to fix a key the server rejected (chat and embedding models alike). */
export function keyFix(model: Pick<OpenAIChatModel, 'id' | 'needsKey' | 'keyEnvVar'> & { readonly runtime: { readonly extraModelsPath: string } }): string {
  if (model.needsKey) {
    const env = model.keyEnvVar ? ` or the ${model.keyEnvVar} environment variable` : '';
    return `Set a valid key with 'llm keys set ${model.needsKey}'${env}, or pass --key.`;
  }
  return `This server wants a key: set api_key_name for '${model.id}' in ${model.runtime.extraModelsPath} and store the key with 'llm keys set NAME', or pass --key.`;
}

/** What a streamed reply adds up to, for `response.responseJson`. */
interface StreamSummary {
  id?: string;
  object: 'chat.completion.chunk';
  model?: string;
  created?: number;
  system_fingerprint?: string;
  service_tier?: string;
  content: string;
  refusal?: string;
  finish_reason?: string;
  usage?: Record<string, unknown>;
  tool_calls?: { id?: string; type: 'function'; function: { name: string; arguments: string } }[];
}

/** Reads an SSE stream of chat.completion.chunk events up to `[DONE]`, yielding content deltas. */
async function* readStream(answer: OkResponse, target: Target, model: OpenAIChatModel, response: Response, signal: AbortSignal): AsyncGenerator<string> {
  const parser = new SseParser();
  const summary: StreamSummary = { object: 'chat.completion.chunk', content: '' };
  // Each call arrives in pieces keyed by index (its arguments split over many chunks, several calls interleaved).
  const toolCalls = new ToolCallAssembler();
  let finished = false;
  let received = 0;
  /** Reads one event; returns its text, if any. */
  const handle = (data: string): string | undefined => {
    if (finished || data === '') return undefined;
    if (data === '[DONE]') {
      finished = true;
      return undefined;
    }
    const chunk = parseJson(data, target) as ChunkJson;
    if (chunk.error) throw streamError(chunk.error, target);
    if (chunk.id) summary.id = chunk.id;
    if (chunk.model) summary.model = chunk.model;
    if (chunk.created) summary.created = chunk.created;
    if (chunk.system_fingerprint) summary.system_fingerprint = chunk.system_fingerprint;
    if (chunk.service_tier) summary.service_tier = chunk.service_tier;
    if (chunk.usage) summary.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return undefined;
    if (choice.finish_reason) summary.finish_reason = choice.finish_reason;
    const delta = choice.delta;
    if (delta?.refusal) summary.refusal = (summary.refusal ?? '') + delta.refusal;
    for (const part of delta?.tool_calls ?? []) toolCalls.add(part);
    const text = delta?.content;
    if (typeof text !== 'string' || text === '') return undefined;
    summary.content += text;
    received += text.length;
    return text;
  };
  try {
    for await (const bytes of answer.body) {
      // After [DONE], read on to the end so the connection can be reused.
      if (finished) continue;
      // Events that arrived together go out together: no waiting, fewer hops downstream.
      let batch = '';
      for (const event of parser.push(bytes)) batch += handle(event.data) ?? '';
      if (batch) yield batch;
    }
    let rest = '';
    for (const event of parser.end()) rest += handle(event.data) ?? '';
    if (rest) yield rest;
  } catch (error) {
    if (signal.aborted || error instanceof OpenAIApiError || error instanceof LlmError) throw error;
    throw networkError(target, error, received);
  }
  // Some compatible servers end with a finish_reason but no [DONE]; either means complete.
  if (!finished && !summary.finish_reason) throw cutError(target, received);
  if (summary.content === '' && summary.refusal) throw refusalError(model, summary.refusal);
  const calls = toolCalls.calls();
  if (calls.length > 0) summary.tool_calls = calls;
  for (const call of calls) response.addToolCall(toToolCall(call));
  finish(response, model, target, summary, summary.usage);
}

/** Reads a whole chat.completion JSON answer (no streaming). */
async function* readCompletion(answer: OkResponse, target: Target, model: OpenAIChatModel, response: Response, signal: AbortSignal): AsyncGenerator<string> {
  let text: string;
  try {
    text = await answer.text();
  } catch (error) {
    if (signal.aborted) throw error;
    throw networkError(target, error);
  }
  yield* completionText(parseJson(text, target) as CompletionJson, target, model, response);
}

/** The text of a whole chat.completion (sent back, or a batch's line); records the rest on the response. */
function* completionText(completion: CompletionJson, target: Target, model: OpenAIChatModel, response: Response): Generator<string> {
  if (completion.error) throw streamError(completion.error, target);
  const message = completion.choices?.[0]?.message;
  if (!message) throw new OpenAIApiError(`${displayUrl(target.url)} sent a reply without choices[0].message`, 'Is it an OpenAI-compatible Chat Completions API?');
  const content = typeof message.content === 'string' ? message.content : '';
  if (content === '' && message.refusal) throw refusalError(model, message.refusal);
  for (const call of message.tool_calls ?? []) if (call?.function?.name) response.addToolCall(toToolCall(call));
  finish(response, model, target, completion, completion.usage);
  if (content) yield content;
}

/** Records usage, the raw JSON and the resolved model once the reply is complete. */
function finish(response: Response, model: OpenAIChatModel, target: Target, json: object, usage: Record<string, unknown> | undefined): void {
  if (usage) response.setUsage(toUsage(usage));
  let raw = withoutNulls(json);
  if (target.key && JSON.stringify(raw).includes(target.key)) raw = JSON.parse(redact(JSON.stringify(raw), target.key));
  response.responseJson = raw;
  const answered = (raw as { model?: unknown }).model;
  if (typeof answered === 'string' && answered !== model.modelName) response.resolvedModel = answered;
}

/** OpenAI's usage object as `{ input, output, details }`; details keep only non-zero counts. */
export function toUsage(usage: Record<string, unknown>): Usage {
  const { prompt_tokens: input, completion_tokens: output, total_tokens: _total, ...rest } = usage;
  const details = simplify(rest) as Record<string, unknown> | undefined;
  return {
    ...(typeof input === 'number' ? { input } : {}),
    ...(typeof output === 'number' ? { output } : {}),
    ...(details && Object.keys(details).length > 0 ? { details } : {}),
  };
}

/** Drops zeros, nulls and empty objects, as the Python llm's simplify_usage_dict does. */
function simplify(value: unknown): unknown {
  if (value === null || value === 0 || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const kept = simplify(inner);
    if (kept !== undefined) result[key] = kept;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** A copy without null values (the API sends many). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (inner !== null && inner !== undefined) result[key] = withoutNulls(inner);
  return result;
}

/** The reply as JSON, or an error that shows its start (never the key). */
export function parseJson(text: string, target: Target, what = 'Chat Completions'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const sample = redact(text.slice(0, 80), target.key).replace(/\s+/g, ' ');
    throw new OpenAIApiError(`${displayUrl(target.url)} sent something that is not JSON: ${JSON.stringify(sample)}`, `Is it an OpenAI-compatible ${what} API?`);
  }
}

function streamError(error: unknown, target: Target): OpenAIApiError {
  const message = typeof error === 'string' ? error : typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : JSON.stringify(error);
  return new OpenAIApiError(`${displayUrl(target.url)} reported an error: ${redact(message, target.key).replace(/\s+/g, ' ').replace(/\.$/, '')}`, '');
}

function refusalError(model: OpenAIChatModel, refusal: string): LlmError {
  return new LlmError(`${model.id} refused to answer: ${refusal.replace(/\s+/g, ' ').trim()}`);
}

interface ChunkJson {
  id?: string;
  model?: string;
  created?: number;
  system_fingerprint?: string;
  service_tier?: string;
  usage?: Record<string, unknown> | null;
  error?: unknown;
  choices?: { delta?: { content?: string | null; refusal?: string | null; tool_calls?: ToolCallDelta[] | null }; finish_reason?: string | null }[];
}

interface CompletionJson {
  model?: string;
  usage?: Record<string, unknown>;
  error?: unknown;
  choices?: { message?: { content?: string | null; refusal?: string | null; tool_calls?: ToolCallJson[] | null } }[];
}
