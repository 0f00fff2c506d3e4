import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import { sharedStorage } from '../util/shared-storage.js';
import type { Response, Usage } from './response.js';
import type { ToolCall } from './tool.js';

/**
 * How a response uses the response cache (the log): `enabled` answers it from the newest logged
 * response to the same request (no older than `ttlMs`), if there is one. `salt` is part of the
 * request's hash whether or not the cache is on, so that requests that must not share an answer
 * (an experiment's repeats, one per execution index) never do.
 */
export interface ResponseCacheSettings {
  readonly enabled: boolean;
  /** Only responses logged this recently answer (default: any age). */
  readonly ttlMs?: number | undefined;
  /** Told apart from the same request with another salt (an experiment passes `run:INDEX`). */
  readonly salt?: string | undefined;
}

/** What the cache is asked: the request's hash, and how old an answer may be. */
export interface CachedResponseRequest {
  readonly hash: string;
  /** Only responses logged at or after this time (`datetime_utc`, as the log writes it). */
  readonly notBefore?: string | undefined;
  /** Read this log database instead of the default (`-d`). */
  readonly database?: string | undefined;
}

/** A logged response that answers a request: its row is reused, never copied. */
export interface CachedResponse {
  readonly id: string;
  readonly text: string;
  readonly responseJson?: unknown;
  readonly resolvedModel?: string | undefined;
  readonly usage?: Usage | undefined;
  readonly datetimeUtc?: string | undefined;
  readonly durationMs?: number | undefined;
  readonly toolCalls?: readonly ToolCall[] | undefined;
}

const storage = sharedStorage<ResponseCacheSettings>('llm-host.responseCache');

/** The cache settings of responses made here (the innermost `withResponseCache`), if any. */
export function currentResponseCache(): ResponseCacheSettings | undefined {
  return storage().getStore();
}

/** Runs `work` so that the responses made in it (however deep) use the cache as `settings` say. */
export function withResponseCache<T>(settings: ResponseCacheSettings, work: () => T): T {
  return storage().run(settings, work);
}

/**
 * The hash of what a response asks: the model, the earlier turns of its conversation, the
 * prompt and system prompt (fragments included), the options (defaults applied), the schema,
 * the tools and tool results, the attachments, and the salt. Two responses with the same hash
 * would be sent the same request.
 */
export async function requestHash(response: Response, salt: string | undefined): Promise<string> {
  const { prompt } = response;
  const turns = (response.conversation?.responses ?? []).map((turn) => [
    turn.prompt.prompt,
    turn.prompt.system ?? null,
    turn.textSoFar,
    turn.toolCallsSoFar.map((call) => [call.name, call.arguments, call.toolCallId ?? null]),
  ]);
  const attachments = await Promise.all(prompt.attachments.map((attachment) => attachment.id()));
  const request = [
    'llm-request-1',
    prompt.model.id,
    turns,
    prompt.prompt,
    prompt.system ?? null,
    prompt.options,
    prompt.schema ?? null,
    prompt.tools.map((tool) => [tool.name, tool.description ?? null, tool.inputSchema ?? null]),
    prompt.toolResults.map((result) => [result.name, result.output, result.toolCallId ?? null]),
    attachments,
    salt ?? null,
  ];
  return createHash('sha256').update(sortedJson(request)).digest('hex');
}

/** JSON with object keys sorted, so that option order never changes a hash. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Parses `--cache-ttl`: a number with a unit, `30s`, `15m`, `12h`, `7d`, `2w`; undefined for
 * anything else.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2]!.toLowerCase() as 's']!;
  return Number(match[1]) * unit;
}

/** `--cache-ttl` in milliseconds; a usage error naming the ages it takes for anything else. */
export function parseCacheTtl(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`--cache-ttl takes an age with a unit: 30s, 15m, 12h, 7d or 2w (got '${text}').`);
  return ms;
}
