import { readFile } from 'node:fs/promises';
import { LlmError } from 'llm-host';
import { attachmentTypesFor, type ChatModelSpec } from './catalog.js';
import { checkBaseUrl } from './chat-model.js';

/** The file, in the user directory, that adds OpenAI-compatible models (the Python llm's format). */
export const EXTRA_MODELS_FILE = 'extra-openai-models.yaml';

/** Keys of an entry that `llm` reads. */
const KNOWN_KEYS = new Set(['model_id', 'model_name', 'api_base', 'api_key_name', 'headers', 'aliases', 'can_stream', 'supports_schema', 'supports_tools', 'reasoning', 'vision', 'audio', 'embedding_model', 'dimensions']);
/** Keys the Python llm reads that do not apply here (Azure settings). */
const IGNORED_KEYS = new Set(['api_type', 'api_version', 'api_engine']);
/** `reasoning: true` gives a model the reasoning options, with the Python llm's effort levels. */
const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'];

/**
 * Reads `extra-openai-models.yaml`: a YAML list of models, each `model_id` plus optional
 * `model_name`, `api_base`, `api_key_name`, `headers`, `aliases`, `can_stream`, `supports_schema`, `supports_tools`,
 * `reasoning`, `vision` (images and PDFs), `audio` (wav, mp3); `embedding_model: true` (with optional `dimensions`) makes it an embedding model
 * served at `/embeddings`. No file: no extra models (and YAML is never loaded). A model with an `api_base` and
 * no `api_key_name` needs no key. A file that cannot be read is an error naming it.
 */
export async function readExtraModels(path: string, warn: (message: string) => void): Promise<ChatModelSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new LlmError(`${path} could not be read: ${(error as Error).message}`);
  }
  const yaml = await import('yaml');
  const parse = (yaml as { parse?: typeof yaml.parse }).parse ?? (yaml as unknown as { default: typeof yaml }).default.parse;
  let data: unknown;
  try {
    // Every scalar as a string, so `aliases: [0613]` stays "0613"; booleans are read below.
    data = parse(text, { schema: 'failsafe' });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    throw new LlmError(`${path} is not valid YAML: ${message}. Fix or remove the file.`);
  }
  if (data === undefined || data === null || data === '') return [];
  if (!Array.isArray(data)) throw new LlmError(`${path} must be a YAML list of models (- model_id: ...).`);
  const specs: ChatModelSpec[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of data.entries()) {
    const spec = toSpec(entry, `${path}, entry ${index + 1}`, warn);
    if (seen.has(spec.id)) throw new LlmError(`${path} lists model_id '${spec.id}' twice. Remove one of them.`);
    seen.add(spec.id);
    specs.push(spec);
  }
  return specs;
}

function toSpec(entry: unknown, where: string, warn: (message: string) => void): ChatModelSpec {
  const bad = (what: string) => new LlmError(`${where}: ${what}.`);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad('each entry must be a mapping with a model_id');
  const record = entry as Record<string, unknown>;
  const id = stringField(record, 'model_id', bad);
  if (!id) throw bad('model_id is missing');
  const label = `${where} ('${id}')`;
  for (const key of Object.keys(record)) {
    if (KNOWN_KEYS.has(key) || IGNORED_KEYS.has(key)) continue;
    if (key === 'completion') warn(`${label}: completion models are not supported; '${id}' is used as a chat model`);
    else warn(`${label} has an unknown key '${key}'; ignoring it`);
  }
  const apiBase = stringField(record, 'api_base', bad);
  const keyName = stringField(record, 'api_key_name', bad);
  if (apiBase) checkBaseUrl(apiBase, `The api_base of ${label}`);
  return {
    id,
    modelName: stringField(record, 'model_name', bad) || undefined,
    aliases: listField(record, 'aliases', bad),
    apiBase: apiBase || undefined,
    // As in the Python llm: a model on another server sends no OpenAI key unless it names one.
    keyName: keyName || (apiBase ? undefined : 'openai'),
    // The OpenAI key, stored or from OPENAI_API_KEY, whether named or implied. Another key name is
    // looked up in keys.json only: OPENAI_API_KEY is not sent to a server that asked for another key.
    keyEnvVar: (keyName || (apiBase ? '' : 'openai')) === 'openai' ? 'OPENAI_API_KEY' : undefined,
    headers: headersField(record, bad),
    canStream: booleanField(record, 'can_stream', bad) ?? true,
    supportsSchema: booleanField(record, 'supports_schema', bad) ?? false,
    supportsTools: booleanField(record, 'supports_tools', bad) ?? false,
    reasoningEfforts: booleanField(record, 'reasoning', bad) ? REASONING_EFFORTS : undefined,
    embeddingModel: booleanField(record, 'embedding_model', bad) ?? false,
    dimensions: dimensionsField(record, bad),
    attachmentTypes: attachmentTypesFor(booleanField(record, 'vision', bad) === true, booleanField(record, 'audio', bad) === true),
  };
}

type Bad = (what: string) => LlmError;

function stringField(record: Record<string, unknown>, key: string, bad: Bad): string {
  const value = record[key];
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') throw bad(`${key} must be a string`);
  return value.trim();
}

function listField(record: Record<string, unknown>, key: string, bad: Bad): string[] {
  const value = record[key];
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) throw bad(`${key} must be a list of names`);
  return value as string[];
}

function booleanField(record: Record<string, unknown>, key: string, bad: Bad): boolean | undefined {
  const value = record[key];
  if (value === undefined || value === null || value === '') return undefined;
  // YAML 1.1 booleans, as the Python llm's yaml.safe_load reads them.
  if (typeof value === 'string' && /^(?:true|yes|on)$/i.test(value)) return true;
  if (typeof value === 'string' && /^(?:false|no|off)$/i.test(value)) return false;
  throw bad(`${key} must be true or false`);
}

function dimensionsField(record: Record<string, unknown>, bad: Bad): number | undefined {
  const value = record.dimensions;
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < 1) throw bad('dimensions must be a whole number of at least 1');
  return number;
}

function headersField(record: Record<string, unknown>, bad: Bad): Record<string, string> | undefined {
  const value = record.headers;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw bad('headers must map header names to values');
  }
  return value as Record<string, string>;
}

/**
 * The built-in models plus the extra ones. The user's file wins: an extra model with a built-in's
 * id replaces it, and a built-in loses any alias an extra model claims.
 */
export function mergeModels(builtin: readonly ChatModelSpec[], extra: readonly ChatModelSpec[]): ChatModelSpec[] {
  const claimed = new Set(extra.flatMap((spec) => [spec.id, ...(spec.aliases ?? [])]));
  const extraIds = new Set(extra.map((spec) => spec.id));
  const kept = builtin
    .filter((spec) => !extraIds.has(spec.id))
    .map((spec) => ({ ...spec, aliases: (spec.aliases ?? []).filter((alias) => !claimed.has(alias)) }));
  return [...kept, ...extra];
}
