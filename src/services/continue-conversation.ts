import { LlmError, UnknownModelError, UsageError } from '../errors.js';
import type { Llm } from '../host/llm.js';
import type { Conversation } from '../models/conversation.js';
import type { Model } from '../models/model.js';

/** What `llm prompt` and `llm chat` were asked: a model, and maybe a logged conversation to continue. */
export interface PromptTargetOptions {
  /** The model the user named with `-m` on the command line, if any. */
  readonly model?: string | undefined;
  /** The model to use when neither `-m` nor a continued conversation says (e.g. from LLM_MODEL). */
  readonly defaultModel?: string | undefined;
  /** `-c/--continue`: continue the newest logged conversation. */
  readonly continueLast?: boolean | undefined;
  /** `--cid ID`: continue this conversation. */
  readonly conversationId?: string | undefined;
  /** `-d/--database FILE`: the log to read. */
  readonly database?: string | undefined;
}

/** The model to prompt and the conversation the prompt continues, if any. */
export interface PromptTarget {
  readonly model: Model;
  readonly conversation: Conversation | undefined;
}

/**
 * Resolves what a prompt runs against. With `-c` or `--cid` the plugins' `resolveConversation`
 * hook rebuilds the conversation from the log; its model is reused unless `-m` names another one.
 * An id no plugin knows is an error; `-c` with nothing logged yet starts a new conversation, with
 * a warning, as the Python llm does (without the warning).
 */
export async function resolvePromptTarget(llm: Llm, options: PromptTargetOptions): Promise<PromptTarget> {
  const explicit = options.model;
  if (options.continueLast === true && options.conversationId !== undefined) {
    throw new UsageError('-c/--continue and --cid cannot be used together: -c continues the newest conversation, --cid the one you name. Give one of them.');
  }
  const wanted = options.conversationId !== undefined || options.continueLast === true;
  if (!wanted) return { model: await llm.getModel(explicit ?? options.defaultModel), conversation: undefined };

  // The model callback runs inside a plugin's tap; an unknown model is the user's error, not the
  // plugin's, so it is rethrown as it is rather than as "plugin X failed".
  let modelError: unknown;
  const request = {
    continueLast: options.continueLast === true,
    id: options.conversationId,
    database: options.database,
    model: async (loggedModelId: string) => {
      try {
        return await llm.getModel(explicit ?? loggedModelId);
      } catch (error) {
        modelError =
          explicit === undefined && error instanceof UnknownModelError
            ? new LlmError(`The conversation's model '${loggedModelId}' is not available here. Continue it with another model: add -m MODEL (see 'llm models').`, { cause: error })
            : error;
        throw modelError;
      }
    },
  };
  let conversation: Conversation | undefined;
  try {
    conversation = await llm.hooks.resolveConversation.promise(request);
  } catch (error) {
    throw modelError ?? error;
  }
  if (conversation) return { model: conversation.model, conversation };
  if (options.conversationId !== undefined) {
    const source = llm.hooks.resolveConversation.taps.length > 0 ? 'in the log' : 'because no plugin reads logged conversations (is sqlite-logger switched off?)';
    throw new LlmError(`No conversation found with id '${options.conversationId}' ${source}. Run 'llm logs list' to see conversation ids.`);
  }
  llm.warn('no logged conversation to continue; starting a new one');
  return { model: await llm.getModel(explicit ?? options.defaultModel), conversation: undefined };
}

/** The flags `llm prompt` and `llm chat` share for this (see `modelFlags` and `conversationFlags`). */
export interface PromptTargetFlags {
  readonly model?: string | undefined;
  readonly continue?: boolean | undefined;
  readonly cid?: string | undefined;
  readonly database?: string | undefined;
}

/** `resolvePromptTarget` from a command's parsed flags and its raw argv. */
export function promptTargetFromFlags(llm: Llm, argv: readonly string[], flags: PromptTargetFlags): Promise<PromptTarget> {
  return resolvePromptTarget(llm, {
    model: modelFromArgv(argv, flags.model),
    defaultModel: flags.model,
    continueLast: flags.continue,
    conversationId: flags.cid,
    database: flags.database,
  });
}

/**
 * The conversation `-c` or `--cid` asks to continue, with the model to use (see
 * `resolvePromptTarget`); undefined when neither flag was given.
 */
export async function continuedConversation(llm: Llm, argv: readonly string[], flags: PromptTargetFlags): Promise<PromptTarget | undefined> {
  if (!flags.continue && flags.cid === undefined) return undefined;
  return promptTargetFromFlags(llm, argv, flags);
}

/**
 * The `-m/--model` value only when it was typed on the command line: a model from LLM_MODEL must
 * not override a continued conversation's own model.
 */
export function modelFromArgv(argv: readonly string[], parsed: string | undefined): string | undefined {
  for (const token of argv) {
    if (token === '--') break;
    if (token === '-m' || token === '--model' || token.startsWith('--model=') || (token.startsWith('-m') && !token.startsWith('--'))) return parsed;
  }
  return undefined;
}
