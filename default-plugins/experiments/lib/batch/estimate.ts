/**
 * What a batch will cost, estimated before it is submitted. Input tokens: about 4 characters per
 * token (OpenAI's rule of thumb for English), counted over the request's messages, tools and
 * response format as JSON, so the JSON's own punctuation makes it an overestimate for short
 * prompts. Output tokens: the request's max_completion_tokens or max_tokens, else an assumed
 * ASSUMED_OUTPUT_TOKENS per reply (said in the estimate). Dollars: the model's price at the batch
 * discount, when the plugin knows it; otherwise the estimate says the price is unknown.
 */
export const CHARS_PER_TOKEN = 4;
export const ASSUMED_OUTPUT_TOKENS = 500;

/** The estimate for one model's requests. */
export interface ModelEstimate {
  readonly model: string;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** How many requests had no max_tokens, so that ASSUMED_OUTPUT_TOKENS was counted for them. */
  readonly assumedOutputs: number;
  /** Dollars at the batch price; undefined when the model's price is not known. */
  readonly dollars: number | undefined;
}

/** What the requests about to be submitted cost, model by model. */
export interface BatchEstimate {
  readonly batches: number;
  readonly models: readonly ModelEstimate[];
}

/** The input tokens of one request body (see the heuristic above). */
export function inputTokens(body: Readonly<Record<string, unknown>>): number {
  const counted = JSON.stringify([body.messages ?? [], body.tools ?? [], body.response_format ?? null]);
  return Math.ceil(counted.length / CHARS_PER_TOKEN);
}

/** The output tokens of one request body: its limit, or undefined when it sets none. */
export function outputLimit(body: Readonly<Record<string, unknown>>): number | undefined {
  const limit = body.max_completion_tokens ?? body.max_tokens;
  return typeof limit === 'number' && limit > 0 ? limit : undefined;
}

/** Estimates requests by model; `price` gives dollars per million tokens at the batch price. */
export function estimateRequests(
  requests: readonly { readonly model: string; readonly body: Readonly<Record<string, unknown>> }[],
  batches: number,
  price: (model: string) => { readonly input: number; readonly output: number } | undefined,
): BatchEstimate {
  const byModel = new Map<string, { requests: number; input: number; output: number; assumed: number }>();
  for (const { model, body } of requests) {
    const entry = byModel.get(model) ?? { requests: 0, input: 0, output: 0, assumed: 0 };
    const limit = outputLimit(body);
    entry.requests++;
    entry.input += inputTokens(body);
    entry.output += limit ?? ASSUMED_OUTPUT_TOKENS;
    if (limit === undefined) entry.assumed++;
    byModel.set(model, entry);
  }
  const models = [...byModel].map(([model, entry]): ModelEstimate => {
    const rate = price(model);
    return {
      model,
      requests: entry.requests,
      inputTokens: entry.input,
      outputTokens: entry.output,
      assumedOutputs: entry.assumed,
      dollars: rate ? (entry.input * rate.input + entry.output * rate.output) / 1_000_000 : undefined,
    };
  });
  return { batches, models };
}

/** The estimate as lines for a person: per model, tokens and dollars, and what was assumed. */
export function formatEstimate(estimate: BatchEstimate): string {
  const lines = [`${estimate.batches} batch${estimate.batches === 1 ? '' : 'es'}:`];
  let total = 0;
  let unknown = false;
  for (const m of estimate.models) {
    const cost = m.dollars === undefined ? `price of ${m.model} unknown: no estimate in dollars` : `about ${dollars(m.dollars)} at the Batch API price`;
    const assumed = m.assumedOutputs > 0 ? ` (${ASSUMED_OUTPUT_TOKENS} per reply assumed for the ${m.assumedOutputs} without max_tokens)` : '';
    lines.push(`  ${m.model}: ${count(m.requests)} request${m.requests === 1 ? '' : 's'}, ~${count(m.inputTokens)} input tokens, up to ~${count(m.outputTokens)} output tokens${assumed}; ${cost}`);
    if (m.dollars === undefined) unknown = true;
    else total += m.dollars;
  }
  if (estimate.models.length > 1) lines.push(`  total: about ${dollars(total)}${unknown ? ' plus the models whose price is unknown' : ''}`);
  return lines.join('\n');
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function dollars(amount: number): string {
  return amount < 0.01 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}
