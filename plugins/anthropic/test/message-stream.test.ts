import { AnthropicApiError, type Target } from '../src/api-error.js';
import { MessageStream, replyText, SseReader } from '../src/message-stream.js';
import { messageEvents, message, sseText, type Block } from './fake-anthropic-server.js';

// The stream reader on its own: the bytes of a real-shaped event stream, cut at every possible
// place, must add up to the same message and text as the whole.

const target: Target = { url: 'http://127.0.0.1:1/v1/messages', key: 'sk-ant-test-KEY', modelName: 'claude-sonnet-4-5', timeoutMs: 1000 };

const BLOCKS: Block[] = [
  { type: 'thinking', thinking: 'Let me think… 考え中', signature: 'sig==' },
  { type: 'text', text: 'Héllo wörld 🎉 — 日本語,\nsplit anywhere. ' },
  { type: 'tool_use', id: 'toolu_01', name: 'llm_time', input: { zone: 'Europe/Zürich', when: ['now'] } },
];

const request = { method: 'POST', path: '/v1/messages', headers: {}, body: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] } };

/** Feeds the pieces; returns what the reader and the stream made of them. */
function read(pieces: Uint8Array[], outputTool?: string) {
  const reader = new SseReader();
  const stream = new MessageStream(target, outputTool);
  let text = '';
  for (const piece of pieces) for (const event of reader.push(piece)) text += stream.apply(event);
  for (const event of reader.end()) text += stream.apply(event);
  return { text, message: stream.message, finished: stream.finished };
}

const expected = {
  id: 'msg_fake01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: BLOCKS,
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: expect.any(Number), cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 10 },
};

describe('SseReader + MessageStream', () => {
  for (const eol of ['\n', '\r\n'] as const) {
    it(`adds up the same message however the bytes are split (line endings ${JSON.stringify(eol)})`, () => {
      const bytes = Buffer.from(sseText([': comment line', ...messageEvents(message(BLOCKS), request)].map((e, i) => (i === 0 ? `${e}${eol}` : e)), eol));
      const whole = read([bytes]);
      expect(whole).toEqual({ text: 'Héllo wörld 🎉 — 日本語,\nsplit anywhere. ', message: expected, finished: true });
      // Every cut into two pieces, then every byte on its own.
      for (let cut = 1; cut < bytes.length; cut++) expect(read([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
      expect(read([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
    });
  }

  it('streams the input of the output tool as the reply text (--schema by a forced tool call)', () => {
    const blocks: Block[] = [{ type: 'tool_use', id: 'toolu_02', name: 'output_structured_data', input: { name: 'Ada', age: 36 } }];
    const result = read([Buffer.from(sseText(messageEvents(message(blocks), request)))], 'output_structured_data');
    expect(JSON.parse(result.text)).toEqual({ name: 'Ada', age: 36 });
    expect(replyText(result.message, 'output_structured_data')).toBe(result.text);
    expect(replyText(result.message, undefined)).toBe('');
  });

  it('skips pings and event types it does not know, and keeps final usage from message_delta', () => {
    const events = messageEvents(message('ok', { usage: { output_tokens: 7, cache_read_input_tokens: 50 } }), request);
    events.splice(2, 0, { type: 'some_future_event', stuff: 1 });
    const result = read([Buffer.from(sseText(events))]);
    expect(result.text).toBe('ok');
    expect(result.message.usage).toMatchObject({ output_tokens: 7, cache_read_input_tokens: 50 });
  });

  it('throws an error event as a one-line AnthropicApiError, retryable when the API is overloaded', () => {
    const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const reader = new SseReader();
    const stream = new MessageStream(target, undefined);
    const [event] = reader.push(Buffer.from(sseText([overloaded])));
    let thrown: unknown;
    try {
      stream.apply(event!);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AnthropicApiError);
    expect((thrown as AnthropicApiError).message).toBe('http://127.0.0.1:1/v1/messages reported an error (overloaded_error): Overloaded. Try again later.');
    expect((thrown as AnthropicApiError).retryable).toBe(true);
    const invalid = new MessageStream(target, undefined);
    expect(() => invalid.apply(reader.push(Buffer.from(sseText([{ type: 'error', error: { type: 'invalid_request_error', message: 'bad sk-ant-test-KEY' } }])))[0]!)).toThrow(
      'reported an error (invalid_request_error): bad [key].',
    );
  });

  it('drops an event cut off before its blank line, so a cut stream is never finished', () => {
    const text = sseText(messageEvents(message('cut'), request));
    const result = read([Buffer.from(text.slice(0, -1))]);
    expect(result.finished).toBe(false);
  });
});
