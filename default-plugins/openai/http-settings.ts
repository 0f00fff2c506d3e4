import { LlmError } from 'llm-host';

/** How the plugin talks HTTP: timeouts and retries. */
export interface HttpSettings {
  /** Longest wait for the reply's headers, and between two pieces of its body. */
  readonly timeoutMs: number;
  /** Longest wait for the TCP (and TLS) connection. */
  readonly connectTimeoutMs: number;
  /** Attempts per request, the first included; 1 means no retries. */
  readonly maxAttempts: number;
  /** Backoff before the first retry; doubled for each further one, with jitter. */
  readonly retryDelayMs: number;
  /** Longest backoff, and the longest `Retry-After` honoured (a longer one fails at once). */
  readonly maxRetryDelayMs: number;
}

interface Setting {
  /** Key in the plugin's config options (`defaultPlugins: { openai: { timeout: 120 } }`). */
  readonly option: string;
  /** Environment variable, which wins over the config file. */
  readonly env: string;
  readonly defaultValue: number;
  /** Seconds (converted to milliseconds) or a count. */
  readonly unit: 'seconds' | 'count';
}

const SETTINGS: Record<keyof HttpSettings, Setting> = {
  timeoutMs: { option: 'timeout', env: 'LLM_OPENAI_TIMEOUT', defaultValue: 600, unit: 'seconds' },
  connectTimeoutMs: { option: 'connectTimeout', env: 'LLM_OPENAI_CONNECT_TIMEOUT', defaultValue: 10, unit: 'seconds' },
  maxAttempts: { option: 'maxAttempts', env: 'LLM_OPENAI_MAX_ATTEMPTS', defaultValue: 3, unit: 'count' },
  retryDelayMs: { option: 'retryDelay', env: 'LLM_OPENAI_RETRY_DELAY', defaultValue: 0.5, unit: 'seconds' },
  maxRetryDelayMs: { option: 'maxRetryDelay', env: 'LLM_OPENAI_MAX_RETRY_DELAY', defaultValue: 60, unit: 'seconds' },
};

const SETTING_KEYS = Object.keys(SETTINGS) as (keyof HttpSettings)[];

/** The option names the plugin accepts in config, for a warning about unknown ones. */
export const SETTING_OPTIONS: readonly string[] = Object.values(SETTINGS).map((s) => s.option);

/**
 * The HTTP settings: each from its environment variable, else the plugin's config options, else
 * the default. A value that is not a valid number is an error naming where it came from.
 */
export function httpSettings(
  env: Readonly<Record<string, string | undefined>>,
  options: Readonly<Record<string, unknown>>,
): HttpSettings {
  const result = {} as Record<keyof HttpSettings, number>;
  for (const key of SETTING_KEYS) {
    const setting = SETTINGS[key];
    const fromEnv = env[setting.env];
    const inEnv = fromEnv !== undefined && fromEnv !== '';
    const raw: unknown = inEnv ? fromEnv : options[setting.option];
    result[key] = raw === undefined ? toUnit(setting.defaultValue, setting) : parse(raw, setting, inEnv);
  }
  return result;
}

/** Runs before every request: the message naming where a bad value came from is built only for one. */
function parse(raw: unknown, setting: Setting, inEnv: boolean): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  const valid = setting.unit === 'count' ? Number.isInteger(value) && value >= 1 : Number.isFinite(value) && value >= 0;
  if (!valid) {
    const wanted = setting.unit === 'count' ? 'a whole number of at least 1' : 'a number of seconds (0 or more)';
    const where = inEnv ? `the ${setting.env} environment variable` : `the openai plugin option '${setting.option}'`;
    throw new LlmError(`${where} must be ${wanted} (got ${JSON.stringify(raw)}).`);
  }
  return toUnit(value, setting);
}

function toUnit(value: number, setting: Setting): number {
  return setting.unit === 'seconds' ? Math.round(value * 1000) : value;
}
