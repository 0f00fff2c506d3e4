/**
 * User-facing errors. Each message says what went wrong and what to do next; the CLI prints it on
 * one line without a stack trace (unless LLM_DEBUG=1) and exits with `exitCode`.
 */

/** An error the user can act on. Exit code 1. */
export class LlmError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The command line itself was wrong (bad flag value, missing prompt). Exit code 2. */
export class UsageError extends LlmError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, exitCode: 2 });
  }
}

/** A model id or alias that no plugin registered. */
export class UnknownModelError extends LlmError {
  constructor(
    readonly requested: string,
    readonly suggestions: readonly string[] = [],
    /** The name came from the default-model setting, not from the user's -m. */
    isDefault = false,
  ) {
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : '';
    const what = isDefault ? `The default model '${requested}' is not available.` : `Unknown model '${requested}'.`;
    const fix = isDefault ? "Pick one with -m, or set another default with 'llm models default MODEL' (see 'llm models')." : "Run 'llm models' to list the available models.";
    super(`${what}${hint} ${fix}`);
  }
}

/** An embedding model id or alias that no plugin registered, or no default embedding model. */
export class UnknownEmbeddingModelError extends LlmError {
  constructor(
    readonly requested: string | undefined,
    readonly suggestions: readonly string[] = [],
  ) {
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : '';
    super(
      requested === undefined
        ? "No embedding model given and no default is set: pass -m MODEL, or set a default with 'llm embed-models default MODEL' (see 'llm embed-models')."
        : `Unknown embedding model '${requested}'.${hint} Run 'llm embed-models' to list the embedding models.`,
    );
  }
}

/** A model needs an API key and none was found. */
export class MissingKeyError extends LlmError {
  constructor(modelId: string, keyName: string, envVar?: string) {
    const env = envVar ? ` or set the ${envVar} environment variable` : '';
    super(`No key found for model '${modelId}': add one with 'llm keys set ${keyName}'${env}, or pass --key.`);
  }
}

/** Model options (`-o key value`) that do not match the model's options schema. Exit code 2. */
export class OptionsError extends UsageError {}

/** A config file that cannot be read or parsed. */
export class ConfigError extends LlmError {}

/**
 * An exception thrown by plugin code, attributed to the plugin and the hook it was running in:
 * `plugin <name> failed in <hook>: <message>`.
 */
export class PluginError extends LlmError {
  constructor(
    readonly pluginName: string,
    readonly hook: string,
    cause: unknown,
  ) {
    super(`plugin ${pluginName} failed in ${hook}: ${messageOf(cause)}`, {
      cause,
      exitCode: cause instanceof LlmError ? cause.exitCode : 1,
    });
  }
}

/** Two plugins claimed the same name, model id or command. */
export class PluginConflictError extends LlmError {}

/** The message of anything thrown, on one line. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The user pressed Ctrl-C. Exit code 130, as shells expect. */
export class InterruptedError extends LlmError {
  constructor() {
    super('Aborted.', { exitCode: 130 });
  }
}

/** A prompt template that cannot be found, read or used; the message names the file and the fix. */
export class TemplateError extends LlmError {}
