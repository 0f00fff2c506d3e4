import { setTimeout as sleep } from 'node:timers/promises';
import { Model, type ExecuteContext, type JsonSchema, type Prompt } from 'llm-host';
import { learn, seeded, walk } from './chain.js';

interface MarkovOptions {
  length?: number;
  delay?: number;
  seed?: number;
}

/** A model that learns a word chain from the prompt and walks it to write new text. */
export class MarkovModel extends Model {
  readonly id: string;
  override readonly label = 'Markov';
  override readonly optionsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      length: { type: 'integer', minimum: 1, maximum: 10000, default: 20, description: 'How many words to generate.' },
      delay: { type: 'number', minimum: 0, maximum: 10, default: 0, description: 'Seconds to wait between words.' },
      seed: { type: 'integer', description: 'Random seed, to get the same text again.' },
    },
  };

  constructor(id = 'markov') {
    super();
    this.id = id;
  }

  async *execute(prompt: Prompt, { signal, response }: ExecuteContext): AsyncIterable<string> {
    const { length = 20, delay = 0, seed } = prompt.options as MarkovOptions;
    const chain = learn(prompt.prompt);
    const random = seed === undefined ? Math.random : seeded(seed);
    let count = 0;
    for (const word of walk(chain, length, random)) {
      signal.throwIfAborted();
      if (delay > 0 && count > 0) await sleep(delay * 1000, undefined, { signal });
      yield count === 0 ? word : ` ${word}`;
      count++;
    }
    response.setUsage({ input: chain.size, output: count });
  }
}
