/**
 * Canned answers for the example experiments (examples/experiments/pitch.ts), for the fake
 * OpenAI server: the end-to-end tests and `node examples/fake-openai.mjs` use them. Answers vary
 * from request to request (deterministically), so the metrics have something to measure.
 */
import { lastUserMessage, textReply, type FakeReply, type FakeRequest } from './fake-openai-server.js';

export { FakeOpenAIServer } from './fake-openai-server.js';

const FILLER = ['It', 'is', 'small,', 'quiet', 'and', 'simple', 'to', 'use,', 'and', 'it', 'keeps', 'working', 'when', 'you', 'need', 'it', 'most.'];
const TONES = ['playful', 'serious', 'technical'] as const;

let counter = 0;

/** A pitch, a judge's score or a tagline, depending on what the request asks for. */
export function exampleReply(request: FakeRequest): FakeReply {
  const n = counter++;
  const user = lastUserMessage(request);
  const schema = request.body?.response_format?.json_schema?.schema as { properties?: Record<string, { minimum?: number; maximum?: number }> } | undefined;
  const product = /(?:pitch|tagline) for ([^,]+),/.exec(user)?.[1] ?? /<output>\n?([^ .]+)/.exec(user)?.[1] ?? 'it';
  if (schema?.properties?.score) {
    const { minimum = 1, maximum = 5 } = schema.properties.score;
    const score = Math.min(maximum, minimum + 2 + (n % 3));
    return textReply(JSON.stringify({ reasoning: 'It names the product and says what it does, plainly.', score }));
  }
  if (schema?.properties?.tagline) {
    return textReply(JSON.stringify({ tagline: `${product}: ${FILLER.slice(2, 4 + (n % 4)).join(' ')}`, tone: TONES[n % TONES.length] }));
  }
  if (/Write a pitch/.test(user)) {
    return textReply(`Meet ${product}. ${FILLER.slice(0, 8 + (n % 10)).join(' ')}`);
  }
  return textReply(`You said: ${user}`);
}
