import { LlmError, type EmbedContext, type EmbedItem } from 'llm-host';
import { displayUrl, networkError, OpenAIApiError, type Target } from './api-error.js';
import { keyFix, parseJson } from './chat-request.js';
import type { OpenAIEmbeddingModel } from './embedding-model.js';
import { send, withRetries } from './http.js';
import { httpSettings } from './http-settings.js';

/** An `/embeddings` reply, as far as it is read. */
interface EmbeddingsJson {
  data?: { index?: number; embedding?: unknown }[];
}

/**
 * Embeds one batch through the `/embeddings` API: one request for all items (with the same retries
 * and errors as chat requests), the vectors returned in the items' order (by each one's `index`).
 */
export async function runEmbeddings(model: OpenAIEmbeddingModel, items: readonly EmbedItem[], context: EmbedContext): Promise<number[][]> {
  if (items.some((item) => typeof item !== 'string')) throw new LlmError(`Model '${model.id}' embeds text only.`);
  const settings = httpSettings(model.runtime.env, model.runtime.options);
  const baseUrl = model.baseUrl();
  const target: Target = {
    url: `${baseUrl}/embeddings`,
    key: context.key,
    keyFix: keyFix(model),
    get notFoundFix() {
      return `Check the model name '${model.modelName}' ('llm openai models' lists what the server offers) and the base URL ${displayUrl(baseUrl)} (OPENAI_BASE_URL or api_base; it usually ends in /v1).`;
    },
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
  };
  const body = JSON.stringify({
    input: items,
    model: model.modelName,
    ...(model.spec.dimensions ? { dimensions: model.spec.dimensions } : {}),
    encoding_format: 'float',
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': `llm/${model.runtime.version}`,
    ...(context.key ? { authorization: `Bearer ${context.key}` } : {}),
    ...model.spec.headers,
  };
  const attempt = async function* (): AsyncGenerator<number[][]> {
    const answer = await send(target, { method: 'POST', headers, body }, settings, context.signal);
    let text: string;
    try {
      text = await answer.text();
    } catch (error) {
      if (context.signal.aborted) throw error;
      throw networkError(target, error);
    }
    yield readVectors(parseJson(text, target, 'Embeddings') as EmbeddingsJson, items.length, target);
  };
  for await (const vectors of withRetries(target, settings, context.signal, attempt)) return vectors;
  throw new OpenAIApiError(`${displayUrl(target.url)} sent no vectors`, '');
}

function readVectors(reply: EmbeddingsJson, count: number, target: Target): number[][] {
  const bad = (what: string) => new OpenAIApiError(`${displayUrl(target.url)} sent ${what}`, 'Is it an OpenAI-compatible Embeddings API?');
  if (!Array.isArray(reply.data)) throw bad('a reply without a data list');
  const vectors: number[][] = new Array(count);
  for (const [position, item] of reply.data.entries()) {
    const index = typeof item.index === 'number' ? item.index : position;
    if (!Array.isArray(item.embedding) || !item.embedding.every((x) => typeof x === 'number')) throw bad(`item ${index} without a list of numbers as its embedding`);
    if (index < 0 || index >= count) throw bad(`an embedding for item ${index}, of ${count} sent`);
    vectors[index] = item.embedding as number[];
  }
  if (reply.data.length !== count || vectors.some((v) => v === undefined)) throw bad(`${reply.data.length} embeddings for ${count} items`);
  return vectors;
}
