import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { checkBotOptions, resolveModel, type BotOptions } from './bot.js';
import { noteBotModel } from './definitions.js';
import { foldMessages, toMessages, type BotInput } from './messages.js';
import { currentRun, withRunContext } from './run-context.js';
import { jsonInstruction, LlmError, promptForJson, retryMessage, type JsonResult, type JsonSchema, type Model } from 'llm-host';

/** A structured bot's settings: a bot's, plus the schema its answers must match. */
export interface StructuredBotOptions<Schema = JsonSchema> extends BotOptions {
  /** The JSON Schema every answer must match (validated with ajv). */
  readonly schema: Schema;
  /** How many replies to try before giving up (default 3). */
  readonly maxAttempts?: number;
  /** How to ask for JSON from a model without schema support (default: `jsonInstruction`). */
  readonly instruction?: (schema: JsonSchema) => string;
  /** How to ask again after an invalid reply (default: `retryMessage`). */
  readonly retry?: (problems: readonly string[]) => string;
}

/** A structured bot: call it with messages; it answers with data valid against its schema. */
export interface StructuredBot<T> {
  (...messages: BotInput[]): Promise<T>;
  /** Like calling it, with how the data was obtained: the attempts and every response. */
  withResponses(...messages: BotInput[]): Promise<JsonResult<T>>;
  readonly botName: string | undefined;
  readonly schema: JsonSchema;
}

/**
 * A bot that answers with data valid against a JSON Schema. It asks through the model's schema
 * support when it has it (else by instruction), validates the reply with ajv, and on an invalid
 * or unparsable reply asks again in the same conversation with what was wrong, up to
 * `maxAttempts` replies (default 3); then it throws StructuredOutputError, which carries the last
 * raw reply (`rawText`) and its problems. Every attempt is logged and linked to the run.
 *
 * The result is typed from the schema when it is written inline (json-schema-to-ts), or by a type
 * argument: `structuredBot<Verdict>({ schema })` (declare the schema as ajv's `JSONSchemaType<Verdict>`
 * to have TypeScript check the two agree).
 */
export function structuredBot<const S extends JSONSchema & object>(settings: StructuredBotOptions<S>): StructuredBot<FromSchema<S>>;
export function structuredBot<T>(settings: StructuredBotOptions<JsonSchema>): StructuredBot<T>;
export function structuredBot(settings: StructuredBotOptions<object>): StructuredBot<unknown> {
  checkBotOptions(settings, 'structuredBot');
  noteBotModel(settings.model);
  const schema = settings.schema as JsonSchema;
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new LlmError('structuredBot: schema must be a JSON Schema object');
  const maxAttempts = settings.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new LlmError(`structuredBot: maxAttempts must be a whole number of at least 1 (got ${settings.maxAttempts})`);
  const withResponses = async (...inputs: BotInput[]): Promise<JsonResult<unknown>> => {
    const run = currentRun();
    const folded = foldMessages(toMessages(inputs), settings.system);
    if (folded.history.length > 0) throw new LlmError('a structured bot takes system and user messages only (no assistant messages): it keeps its own conversation for retries');
    const model: Model = await resolveModel(settings.model, run);
    const ask = () =>
      promptForJson({
        model,
        prompt: folded.prompt,
        system: folded.system,
        schema,
        options: settings.options,
        maxAttempts,
        key: settings.key,
        instruction: settings.instruction ?? jsonInstruction,
        retry: settings.retry ?? retryMessage,
        ...(run ? { signal: run.signal, log: run.log } : {}),
      });
    if (!run) return ask();
    // The system prompt as sent: the bot's own joined with any system messages (prompt functions).
    const name = run.recordBot({ name: settings.name ?? model.id, model: model.id, system: folded.system, options: settings.options ?? {}, kind: 'structured', schema });
    // Every attempt's response is logged within this phase, so the run links each one to this bot,
    // failed attempts included (they are not returned when the last one fails too).
    const result = await withRunContext(run.withSource(name), ask);
    for (const response of result.responses) run.recordResponse(response, name);
    return result;
  };
  const call = async (...inputs: BotInput[]) => (await withResponses(...inputs)).data;
  return Object.defineProperties(call, {
    withResponses: { value: withResponses, enumerable: true },
    botName: { value: settings.name, enumerable: true },
    schema: { value: schema, enumerable: true },
  }) as unknown as StructuredBot<unknown>;
}
