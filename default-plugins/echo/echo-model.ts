import { setTimeout as sleep } from 'node:timers/promises';
import { Model, type ExecuteContext, type JsonSchema, type Prompt } from 'llm-host';

/**
 * A model that needs no network or key: it streams back what it was sent (prompt, system prompt,
 * options, turn number) a word at a time. It makes `llm` usable on a fresh machine and lets tests
 * see exactly what reached the model.
 */
export class EchoModel extends Model {
  readonly id = 'echo';
  override readonly label = 'Echo';
  override readonly optionsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      delay: { type: 'integer', minimum: 0, maximum: 60000, description: 'Milliseconds to wait before each chunk.' },
      uppercase: { type: 'boolean', description: 'Echo the prompt in upper case.' },
    },
  };

  async *execute(prompt: Prompt, { conversation, signal, response }: ExecuteContext): AsyncIterable<string> {
    const { delay = 0, uppercase = false } = prompt.options as { delay?: number; uppercase?: boolean };
    const turn = (conversation?.responses.length ?? 0) + 1;
    const lines = [`Turn ${turn}`];
    if (prompt.system) lines.push(`System: ${prompt.system}`);
    lines.push(`Prompt: ${uppercase ? prompt.prompt.toUpperCase() : prompt.prompt}`);
    if (Object.keys(prompt.options).length > 0) lines.push(`Options: ${JSON.stringify(prompt.options)}`);
    const chunks = lines.join('\n').match(/\s*\S+/g) ?? [];
    for (const chunk of chunks) {
      signal.throwIfAborted();
      if (delay > 0) await sleep(delay, undefined, { signal });
      yield chunk;
    }
    response.setUsage({ input: countWords(prompt.prompt) + countWords(prompt.system ?? ''), output: chunks.length });
  }
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
