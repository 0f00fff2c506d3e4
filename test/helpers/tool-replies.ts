/**
 * Replies in which the fake OpenAI server asks for tool calls, as the API streams them: each call's
 * first chunk carries its id and name, its arguments follow in small pieces, and the calls of one
 * reply interleave by index. Sent whole (`stream: false`) as one `chat.completion` message.
 */
import { chunk, type FakeReply, type FakeRequest } from './fake-openai-server.js';

/** One call the fake model asks for. */
export interface FakeToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as JSON text (anything: the client must cope with invalid JSON too). */
  readonly arguments: string;
}

/** Streams `calls` (interleaved, arguments in 3-character pieces), or sends them whole without a stream. */
export function toolCallsReply(request: FakeRequest, calls: readonly FakeToolCall[], content = ''): FakeReply {
  const model = request.body?.model ?? 'gpt-4o-mini';
  if (!request.body?.stream) {
    return {
      kind: 'json',
      body: {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: content || null,
              refusal: null,
              tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
    };
  }
  const delta = (toolCalls: object[]) => chunk(undefined, { model, choices: [{ index: 0, delta: { tool_calls: toolCalls }, logprobs: null, finish_reason: null }] });
  const events: object[] = [chunk(undefined, { model, choices: [{ index: 0, delta: { role: 'assistant', content: content || null }, logprobs: null, finish_reason: null }] })];
  calls.forEach((call, index) => events.push(delta([{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }])));
  const pieces = calls.map((call) => call.arguments.match(/[\s\S]{1,3}/g) ?? []);
  for (let step = 0; step < Math.max(0, ...pieces.map((p) => p.length)); step++) {
    pieces.forEach((list, index) => {
      if (step < list.length) events.push(delta([{ index, function: { arguments: list[step] } }]));
    });
  }
  events.push(chunk(undefined, { model, finishReason: 'tool_calls' }));
  if (request.body?.stream_options?.include_usage) events.push(chunk(undefined, { model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }));
  return { kind: 'stream', events };
}
