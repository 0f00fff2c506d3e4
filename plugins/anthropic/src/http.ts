import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { AnthropicApiError, networkError, statusError, type Target } from './api-error.js';
import type { HttpSettings } from './http-settings.js';

/** One connection pool for the life of the process (keep-alive between the turns of a chain). */
let agent: Agent | undefined;

/**
 * POSTs a JSON body. Resolves with a 2xx answer, its body unread; throws an AnthropicApiError for
 * any other status (after reading the body for the server's message) or a failed connection, and
 * the signal's reason when the caller aborts.
 */
export async function post(target: Target, headers: Record<string, string>, body: string, settings: HttpSettings, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  agent ??= new Agent({ connect: { timeout: 30_000 } });
  let response: Dispatcher.ResponseData;
  try {
    response = await request(target.url, { method: 'POST', headers, body, signal, dispatcher: agent, headersTimeout: settings.timeoutMs, bodyTimeout: settings.timeoutMs });
  } catch (error) {
    throw signal.aborted ? (signal.reason ?? error) : networkError(target, error);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  let text = '';
  try {
    text = await response.body.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    // The status says enough; a broken error body changes nothing.
  }
  throw statusError(target, response.statusCode, response.headers, text);
}

/**
 * Runs `attempt` (a request and the reading of its reply), yielding what it yields, and tries
 * again on a retryable failure: after the server's `retry-after`, else an exponential backoff with
 * jitter, at most `settings.maxAttempts` attempts in all. Never tries again once anything has been
 * yielded: that output may already be on the user's screen.
 */
export async function* withRetries<T>(settings: HttpSettings, signal: AbortSignal, attempt: () => AsyncIterable<T>): AsyncGenerator<T> {
  for (let number = 1; ; number++) {
    let delivered = false;
    try {
      for await (const item of attempt()) {
        delivered = true;
        yield item;
      }
      return;
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      if (!(error instanceof AnthropicApiError)) throw error;
      if (delivered || !error.retryable || number >= settings.maxAttempts) throw error.afterAttempts(number);
      const ceiling = Math.min(settings.maxRetryDelayMs, settings.retryDelayMs * 2 ** (number - 1));
      const wait = error.details.retryAfterMs ?? Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      if (wait > settings.maxRetryDelayMs) {
        const fix = `Try again later, or raise LLM_ANTHROPIC_MAX_RETRY_DELAY (now ${settings.maxRetryDelayMs / 1000} s) to wait that long.`;
        throw new AnthropicApiError(`${error.summary}; the server asks to wait ${Math.ceil(wait / 1000)} s`, fix, error.details).afterAttempts(number);
      }
      await sleep(wait, undefined, { signal }).catch((sleepError: unknown) => {
        throw signal.reason ?? sleepError;
      });
    }
  }
}
