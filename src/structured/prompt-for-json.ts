import { LlmError, messageOf } from '../errors.js';
import { compileSchema, describeSchemaError, parseJsonReply, type JsonSchema } from '../json-schema.js';
import type { Model } from '../models/model.js';
import type { Response, ResponseInit } from '../models/response.js';

/** What to ask a model for. */
export interface JsonRequest {
  readonly model: Model;
  /** The request, in words. */
  readonly prompt: string;
  readonly system?: string | undefined;
  /** JSON Schema the reply must match. */
  readonly schema: JsonSchema;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /** How many replies to try before giving up (default 3). */
  readonly maxAttempts?: number | undefined;
  readonly key?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly log?: ResponseInit['log'];
  /** Answer each attempt from the log when it has the same request (see `ResponseInit.cache`). */
  readonly cache?: ResponseInit['cache'];
  /**
   * How to ask for JSON from a model without schema support (default: `jsonInstruction`); an
   * empty string adds nothing, for prompts that ask for JSON themselves.
   */
  readonly instruction?: ((schema: JsonSchema) => string) | undefined;
  /** How to ask again after an invalid reply (default: `retryMessage`). */
  readonly retry?: ((problems: readonly string[]) => string) | undefined;
  /** Called with each response as it is made, before it is read (so failed ones are seen too). */
  readonly onResponse?: ((response: Response) => void) | undefined;
}

/** Valid data, and how it was obtained. */
export interface JsonResult<T> {
  readonly data: T;
  /** How many replies it took (1 = the first was valid). */
  readonly attempts: number;
  /** Every response, in order (the last one is the valid one). */
  readonly responses: readonly Response[];
}

/** The model never produced valid JSON: carries its last raw reply and what was wrong with it. */
export class StructuredOutputError extends LlmError {
  constructor(
    readonly modelId: string,
    /** The last reply, as the model wrote it. */
    readonly rawText: string,
    /** What was wrong with the last reply. */
    readonly problems: readonly string[],
    readonly attempts: number,
  ) {
    super(`${modelId} gave no valid JSON in ${attempts} attempt${attempts === 1 ? '' : 's'}; the last reply ${problems.join('; ')}`);
  }
}

/** The default request for JSON, added to the prompt for models without schema support. */
export function jsonInstruction(schema: JsonSchema): string {
  return `Reply with one JSON value and nothing else (no prose, no code fence), matching this JSON Schema:\n${JSON.stringify(schema)}`;
}

/** The default follow-up after an invalid reply: the problems, and the request again. */
export function retryMessage(problems: readonly string[]): string {
  return `That reply was not valid: ${problems.join('; ')}. Reply again with only the corrected JSON.`;
}

/**
 * Asks a model for JSON that matches a schema: through the model's schema support when it has
 * it, else by instruction. The reply is parsed and validated with ajv; an invalid or unparsable
 * reply is answered, in the same conversation, with what was wrong, up to `maxAttempts` replies.
 * Throws StructuredOutputError when none is valid.
 */
export async function promptForJson<T = unknown>(request: JsonRequest): Promise<JsonResult<T>> {
  const { model, schema } = request;
  const maxAttempts = request.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new LlmError(`maxAttempts must be a whole number of at least 1 (got ${maxAttempts})`);
  let validate;
  try {
    validate = await compileSchema(schema);
  } catch (error) {
    throw new LlmError(`The output schema is not valid JSON Schema: ${messageOf(error)}`);
  }
  const conversation = model.conversation();
  const responses: Response[] = [];
  const instruction = model.supportsSchema ? '' : (request.instruction ?? jsonInstruction)(schema);
  let text = instruction ? `${request.prompt}\n\n${instruction}` : request.prompt;
  let problems: string[] = [];
  let raw = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const response = conversation.prompt(text, {
      system: attempt === 1 ? request.system : undefined,
      schema: model.supportsSchema ? schema : undefined,
      options: request.options,
      key: request.key,
      signal: request.signal,
      log: request.log,
      cache: request.cache,
    });
    responses.push(response);
    request.onResponse?.(response);
    raw = await response.text();
    let data: unknown;
    try {
      data = parseJsonReply(raw);
    } catch (error) {
      problems = [`is not JSON (${messageOf(error)})`];
      text = (request.retry ?? retryMessage)(problems);
      continue;
    }
    if (validate(data)) return { data: data as T, attempts: attempt, responses };
    problems = (validate.errors ?? []).map((error) => describeSchemaError(error, data));
    text = (request.retry ?? retryMessage)(problems);
  }
  throw new StructuredOutputError(model.id, raw, problems, maxAttempts);
}
