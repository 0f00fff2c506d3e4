import { Args, Command, Flags } from 'llm-host/command';
import { learn } from './chain.js';

/** `llm markov stats TEXT`: what the Markov model would learn from a text. */
export default class MarkovStats extends Command {
  static override summary = 'Show the word chain the markov model learns from a text.';

  static override examples = ['<%= config.bin %> markov stats "the cat sat on the mat"', 'cat story.txt | <%= config.bin %> markov stats --json'];

  static override enableJsonFlag = true;

  static override args = { text: Args.string({ description: 'Text to learn from (default: stdin).' }) };

  static override flags = { top: Flags.integer({ summary: 'How many of the most-followed words to show.', default: 5, min: 1 }) };

  async run(): Promise<{ words: number; distinct: number; top: { word: string; followers: string[] }[] }> {
    const { args, flags } = await this.parse(MarkovStats);
    const text = args.text ?? (await readStdin());
    if (!text.trim()) this.error('Give a text to learn from, as an argument or on stdin.', { exit: 2 });
    const chain = learn(text);
    const top = [...chain]
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
      .slice(0, flags.top)
      .map(([word, followers]) => ({ word, followers }));
    const words = text.split(/\s+/).filter(Boolean).length;
    if (!this.jsonEnabled()) {
      this.log(`${words} words, ${chain.size} distinct`);
      for (const { word, followers } of top) this.log(`${word} -> ${followers.join(', ')}`);
    }
    return { words, distinct: chain.size, top };
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
