import { LlmError } from 'llm-host';

/** How the plugin talks HTTP: timeouts and retries. */
export interface HttpSettings {
  /** Longest wait for the reply's headers, and between two pieces of its body. */
  readonly timeoutMs: number;
  /** Attempts per request, the first included; 1 means no retries. */
  readonly maxAttempts: number;
  /** Backoff before the first retry; doubled for each further one, with jitter. */
  readonly retryDelayMs: number;
  /** Longest backoff, and the longest `retry-after` honoured (a longer one fails at once). */
  readonly maxRetryDelayMs: number;
}

/** Each setting: its config option, its environment variable (which wins), its default, and whether it is seconds or a count. */
const SETTINGS: Record<keyof HttpSettings, readonly [option: string, env: string, defaultValue: number, unit: 'seconds' | 'count']> = {
  timeoutMs: ['timeout', 'LLM_ANTHROPIC_TIMEOUT', 600, 'seconds'],
  maxAttempts: ['maxAttempts', 'LLM_ANTHROPIC_MAX_ATTEMPTS', 3, 'count'],
  retryDelayMs: ['retryDelay', 'LLM_ANTHROPIC_RETRY_DELAY', 0.5, 'seconds'],
  maxRetryDelayMs: ['maxRetryDelay', 'LLM_ANTHROPIC_MAX_RETRY_DELAY', 60, 'seconds'],
};

/** The option names the plugin accepts in config, for a warning about unknown ones. */
export const SETTING_OPTIONS: readonly string[] = Object.values(SETTINGS).map(([option]) => option);

/**
 * The HTTP settings: each from its environment variable, else the plugin's config options
 * (`plugins: [{ name: llm-anthropic, options: { timeout: 120 } }]`), else the default. A value
 * that is not a valid number is an error naming where it came from.
 */
export function httpSettings(env: Readonly<Record<string, string | undefined>>, options: Readonly<Record<string, unknown>>): HttpSettings {
  const result = {} as Record<keyof HttpSettings, number>;
  for (const [key, [option, variable, defaultValue, unit]] of Object.entries(SETTINGS) as [keyof HttpSettings, (typeof SETTINGS)[keyof HttpSettings]][]) {
    const inEnv = env[variable] !== undefined && env[variable] !== '';
    const raw: unknown = inEnv ? env[variable] : (options[option] ?? defaultValue);
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    const valid = unit === 'count' ? Number.isInteger(value) && value >= 1 : Number.isFinite(value) && value >= 0;
    if (!valid) {
      const wanted = unit === 'count' ? 'a whole number of at least 1' : 'a number of seconds (0 or more)';
      const where = inEnv ? `the ${variable} environment variable` : `the anthropic plugin option '${option}'`;
      throw new LlmError(`${where} must be ${wanted} (got ${JSON.stringify(raw)}).`);
    }
    result[key] = unit === 'seconds' ? Math.round(value * 1000) : value;
  }
  return result;
}
