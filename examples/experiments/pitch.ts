/**
 * Example experiments: product pitches from a bot, scored four ways.
 *
 *   llm experiments run examples/experiments/pitch.ts            # both experiments
 *   llm experiments run examples/experiments/pitch.ts --name pitch -n 24
 *   llm experiments show pitch
 *
 * Then change something (the system prompt, the temperature, the template) and run it again:
 *
 *   llm experiments compare pitch~1 pitch
 *
 * The model is gpt-4o-mini unless LLM_EXAMPLE_MODEL names another. Without an OpenAI key, run
 * it against the fake OpenAI server the tests use: `node examples/fake-openai.mjs` prints the
 * two environment variables to set.
 */
import { bot, experiment, metric, prompt, structuredBot } from 'llm-host/experiments';

const MODEL = process.env.LLM_EXAMPLE_MODEL ?? 'gpt-4o-mini';

interface Product {
  readonly name: string;
  readonly summary: string;
  readonly audience?: string;
  readonly points: readonly string[];
}

const products: Product[] = [
  { name: 'Pelican Post', summary: 'a postcard printer that fits in a pocket', audience: 'travellers', points: ['prints in 10 seconds', 'no ink to buy'] },
  { name: 'Quietdesk', summary: 'a desk that hums white noise at the volume you choose', points: ['three noise colours', 'auto-off after an hour'] },
  { name: 'Rootbeer Radar', summary: 'an app that finds craft root beer near you', audience: 'root beer fans', points: ['4,000 stores', 'user ratings'] },
];

// A prompt function: a nunjucks template (loops, conditionals) with a name, so the log keeps
// each version of it and which one came before.
const pitchPrompt = prompt<{ product: Product }>(
  'user',
  `Write a pitch for {{ product.name }}, {{ product.summary }}.
{% if product.audience %}It is for {{ product.audience }}.
{% endif %}
Mention:
{% for point in product.points %}
- {{ point }}
{% endfor %}
Keep it under 60 words.`,
  { name: 'pitch' },
);

const writer = bot({
  name: 'writer',
  model: MODEL,
  system: 'You write short, concrete product pitches. No hype words, no exclamation marks.',
  options: { temperature: 0.7 },
});

/** Does the pitch name the product? A metric gets the run's input too. */
const namesProduct = metric<string>('names-product', (output, { input }) => output.includes((input as Product).name));

export const pitch = experiment('pitch', async ({ input }) => writer(pitchPrompt({ product: input })).text(), {
  inputs: products,
  executions: 12,
  concurrency: 4,
  description: 'Short pitches for three products',
  info: { hypothesis: 'a concrete system prompt keeps pitches under 60 words' },
  metrics: [
    { metric: 'length', name: 'words', options: { unit: 'words' } },
    namesProduct,
    { metric: 'regex-match', name: 'no-exclamation', options: { pattern: '^[^!]*$' } },
    { metric: 'llm-judge', name: 'persuasive', options: { rubric: 'How persuasive is this pitch for its audience? 1: not at all, 5: very.', model: MODEL } },
  ],
});

// A structured bot answers with data that matches a JSON Schema (retrying with the validation
// errors when a reply does not); the result's type comes from the schema.
const tagliner = structuredBot({
  name: 'tagliner',
  model: MODEL,
  system: 'You write taglines.',
  schema: {
    type: 'object',
    properties: { tagline: { type: 'string' }, tone: { enum: ['playful', 'serious', 'technical'] } },
    required: ['tagline', 'tone'],
    additionalProperties: false,
  },
});

const taglinePrompt = prompt<{ product: Product }>('user', 'A tagline for {{ product.name }}, {{ product.summary }}.', { name: 'tagline' });

export const tagline = experiment(
  'tagline',
  async ({ input }) => {
    const { tagline, tone } = await tagliner(taglinePrompt({ product: input }));
    return { tagline, tone };
  },
  {
    inputs: products,
    executions: 6,
    metrics: [
      metric<{ tagline: string }>('tagline-words', (output) => output.tagline.split(/\s+/).length, { better: 'lower' }),
      metric<{ tone: string }>('playful', (output) => output.tone === 'playful'),
    ],
  },
);
