import { setTimeout as sleep } from 'node:timers/promises';
import { Model, type ExecuteContext } from '../../src/models/model.js';
import type { Prompt } from '../../src/models/prompt.js';

/** A scripted model for unit tests: yields the given chunks, records what it was sent. */
export class ScriptedModel extends Model {
  /** Each call, with the number of earlier turns the conversation had at that moment. */
  readonly calls: { prompt: Prompt; context: ExecuteContext; earlierTurns: number }[] = [];
  override readonly optionsSchema = {
    type: 'object',
    additionalProperties: false,
    properties: { level: { type: 'integer', minimum: 0, maximum: 3, default: 1 } },
  };

  override readonly needsKey: string | undefined;
  override readonly keyEnvVar: string | undefined;

  constructor(
    readonly id: string,
    private readonly chunks: readonly string[] = ['Hello', ', ', 'world'],
    private readonly settings: { needsKey?: string; keyEnvVar?: string; failAfter?: number; delayMs?: number } = {},
  ) {
    super();
    this.needsKey = settings.needsKey;
    this.keyEnvVar = settings.keyEnvVar;
  }

  async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<string> {
    this.calls.push({ prompt, context, earlierTurns: context.conversation?.responses.length ?? 0 });
    let index = 0;
    for (const chunk of this.chunks) {
      if (this.settings.failAfter !== undefined && index++ >= this.settings.failAfter) throw new Error('stream cut');
      if (this.settings.delayMs) await sleep(this.settings.delayMs, undefined, { signal: context.signal });
      yield chunk;
    }
    context.response.setUsage({ input: prompt.prompt.length, output: this.chunks.length });
  }
}
