/**
 * The Claude models the plugin knows, as data: the one place to add or retire a model. Ids follow
 * the Python llm-anthropic plugin (`anthropic/<API name>`), so logs written by either read the
 * same; every model is also reachable by its API name, and each family's newest by its family name.
 */

/** How one model is called. */
export interface ClaudeSpec {
  /** The name sent to the API as `model`, e.g. `claude-sonnet-4-5`. */
  readonly name: string;
  /** Short names besides the API name, e.g. `claude-sonnet-4.5`, `claude-sonnet`. */
  readonly aliases: readonly string[];
  /** `max_tokens` when the user sets none: what the model can write at most. */
  readonly defaultMaxTokens: number;
  /** Takes PDFs as `document` blocks (every model takes images). */
  readonly pdf: boolean;
  /** Extended thinking: `budget` (`thinking: {type: enabled, budget_tokens}`), or `adaptive` (the model decides; a budget still works). */
  readonly thinking: 'budget' | 'adaptive' | undefined;
  /** Takes `output_config.effort` (the `thinking_effort` option). */
  readonly effort: boolean;
  /** Takes `output_config.format` for `--schema`; other models are made to call a tool instead. */
  readonly structuredOutputs: boolean;
}

const spec = (name: string, aliases: string[], defaultMaxTokens: number, extra: Partial<ClaudeSpec> = {}): ClaudeSpec => ({
  name,
  aliases,
  defaultMaxTokens,
  pdf: true,
  thinking: 'budget',
  effort: false,
  structuredOutputs: false,
  ...extra,
});

const ADAPTIVE = { thinking: 'adaptive', effort: true, structuredOutputs: true } as const;

/** The current families, oldest first. */
export const CLAUDE_MODELS: readonly ClaudeSpec[] = [
  spec('claude-opus-4-0', ['claude-4-opus'], 32000),
  spec('claude-sonnet-4-0', ['claude-4-sonnet'], 64000),
  spec('claude-opus-4-1-20250805', ['claude-opus-4-1', 'claude-opus-4.1'], 32000, { structuredOutputs: true }),
  spec('claude-sonnet-4-5', ['claude-sonnet-4.5'], 64000, { structuredOutputs: true }),
  spec('claude-haiku-4-5-20251001', ['claude-haiku-4-5', 'claude-haiku-4.5', 'claude-haiku'], 64000),
  spec('claude-opus-4-5-20251101', ['claude-opus-4-5', 'claude-opus-4.5'], 64000, { effort: true }),
  spec('claude-opus-4-6', ['claude-opus-4.6'], 128000, ADAPTIVE),
  spec('claude-sonnet-4-6', ['claude-sonnet-4.6'], 128000, ADAPTIVE),
  spec('claude-opus-4-7', ['claude-opus-4.7'], 128000, ADAPTIVE),
  spec('claude-opus-4-8', ['claude-opus-4.8', 'claude-opus'], 128000, ADAPTIVE),
  spec('claude-fable-5', ['claude-fable'], 128000, ADAPTIVE),
  spec('claude-sonnet-5', ['claude-sonnet'], 64000, { structuredOutputs: true }),
];

/** The image types every Claude model takes (as `image` blocks). */
export const IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** The public API, used when ANTHROPIC_BASE_URL does not say otherwise (requests go to `<base>/v1/messages`). */
export const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The API version the plugin speaks (the `anthropic-version` header). */
export const API_VERSION = '2023-06-01';
