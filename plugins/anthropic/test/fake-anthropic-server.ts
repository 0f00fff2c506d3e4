/**
 * A fake Anthropic Messages API for the plugin's tests: real HTTP (node:http) on 127.0.0.1, on a
 * port the system picks. It answers `POST /v1/messages` with a whole message or, when the request
 * asks for `stream: true`, with the event stream the real API sends (message_start, ping,
 * content_block_start/delta/stop for text, thinking and tool_use blocks, message_delta with usage,
 * message_stop), written in small odd-sized slices so that events, lines, `\r\n` pairs and
 * multi-byte characters straddle network reads. It checks each request as the API would (version
 * header, key, model, max_tokens, alternating non-empty turns) and lists what it would reject in
 * `problems`.
 *
 *   const server = await FakeAnthropicServer.start();
 *   env.ANTHROPIC_BASE_URL = server.baseUrl;              // http://127.0.0.1:PORT
 *   server.reply(message('Hello there'));                 // queued replies first, in order,
 *   server.reply(apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '0' }));
 *   server.handle((request) => message('...'));           // then the handler (default: "You said: ...")
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeInSlices } from '../../../test/helpers/sliced-writes.js';

/** A request the server received. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON. */
  readonly body: any;
}

/** A content block of a reply. */
export type Block =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown };

/** How a stream is written. */
export interface StreamShape {
  /** Byte sizes of the writes, cycled (default ODD_SLICES, from test/helpers/sliced-writes). */
  readonly slices?: readonly number[];
  readonly lineEnding?: '\n' | '\r\n';
  /** Destroy the connection after this many events: a cut stream. */
  readonly cutAfter?: number;
}

/** A message, streamed or whole as the request asks. */
export interface MessageReply extends StreamShape {
  readonly kind: 'message';
  readonly content: readonly Block[];
  readonly model?: string;
  readonly stopReason?: string;
  /** Usage beyond the default counts (input: words sent, output: pieces sent). */
  readonly usage?: Record<string, unknown>;
}

/** A raw event stream: objects are sent as `event: <type>` with JSON data, strings as they are. */
export interface EventsReply extends StreamShape {
  readonly kind: 'events';
  readonly events: readonly (Record<string, unknown> | string)[];
}

/** An Anthropic error answer. */
export interface ErrorReply {
  readonly kind: 'error';
  readonly status: number;
  readonly type: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type FakeReply = MessageReply | EventsReply | ErrorReply | { readonly kind: 'hangup' };
export type FakeHandler = (request: FakeRequest) => FakeReply;

/** A message with these blocks (a string is one text block). */
export function message(content: string | readonly Block[], extra: Omit<MessageReply, 'kind' | 'content'> = {}): MessageReply {
  return { kind: 'message', content: typeof content === 'string' ? [{ type: 'text', text: content }] : content, ...extra };
}

/** An error answer: `{ type: "error", error: { type, message } }` with this status. */
export function apiError(status: number, type: string, text: string, headers: Record<string, string> = {}): ErrorReply {
  return { kind: 'error', status, type, message: text, headers };
}

/** Every event of a message as the API streams it, text in words and tool input in 5-character pieces. */
export function messageEvents(reply: MessageReply, request: FakeRequest): Record<string, unknown>[] {
  const usage = usageOf(reply, request);
  const events: Record<string, unknown>[] = [
    {
      type: 'message_start',
      message: { ...envelope(reply, request), content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    },
    { type: 'ping' },
  ];
  reply.content.forEach((block, index) => {
    const start = block.type === 'text' ? { type: 'text', text: '' } : block.type === 'thinking' ? { type: 'thinking', thinking: '' } : { ...block, input: {} };
    events.push({ type: 'content_block_start', index, content_block: start });
    const delta = (d: Record<string, unknown>) => events.push({ type: 'content_block_delta', index, delta: d });
    if (block.type === 'text') for (const piece of block.text.match(/\S*\s*/g)!.filter(Boolean)) delta({ type: 'text_delta', text: piece });
    if (block.type === 'thinking') {
      for (const piece of block.thinking.match(/\S*\s*/g)!.filter(Boolean)) delta({ type: 'thinking_delta', thinking: piece });
      delta({ type: 'signature_delta', signature: block.signature });
    }
    if (block.type === 'tool_use') for (const piece of JSON.stringify(block.input).match(/[^]{1,5}/g) ?? []) delta({ type: 'input_json_delta', partial_json: piece });
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: stopReason(reply), stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  events.push({ type: 'message_stop' });
  return events;
}

function envelope(reply: MessageReply, request: FakeRequest) {
  return { id: 'msg_fake01', type: 'message', role: 'assistant', model: reply.model ?? request.body?.model };
}

function stopReason(reply: MessageReply): string {
  return reply.stopReason ?? (reply.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
}

function usageOf(reply: MessageReply, request: FakeRequest): Record<string, unknown> & { output_tokens: number } {
  const words = JSON.stringify(request.body?.messages ?? []).split(/\s+/).length;
  const pieces = reply.content.reduce((n, b) => n + (b.type === 'text' ? b.text.split(/\s+/).length : 1), 0);
  return { input_tokens: words, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: pieces, ...reply.usage };
}

/** What the real API would reject in a request. */
export function requestProblems(request: FakeRequest): string[] {
  const problems: string[] = [];
  const { body, headers } = request;
  if (request.method !== 'POST' || request.path !== '/v1/messages') problems.push(`${request.method} ${request.path} is not POST /v1/messages`);
  if (headers['anthropic-version'] !== '2023-06-01') problems.push(`anthropic-version is ${headers['anthropic-version']}`);
  if (!headers['x-api-key']) problems.push('no x-api-key');
  if (!String(headers['content-type']).startsWith('application/json')) problems.push(`content-type is ${headers['content-type']}`);
  if (typeof body?.model !== 'string') problems.push('no model');
  if (!Number.isInteger(body?.max_tokens) || body.max_tokens < 1) problems.push(`max_tokens is ${body?.max_tokens}`);
  if (!Array.isArray(body?.messages) || body.messages.length === 0) problems.push('no messages');
  (body?.messages ?? []).forEach((m: any, i: number) => {
    if (m.role !== (i % 2 === 0 ? 'user' : 'assistant')) problems.push(`messages[${i}].role is ${m.role}: turns must alternate, starting with the user`);
    const content = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (!Array.isArray(content) || content.length === 0) problems.push(`messages[${i}] has no content`);
    for (const block of content ?? []) if (block.type === 'text' && !String(block.text).trim()) problems.push(`messages[${i}] has an empty text block`);
  });
  if (body?.thinking?.type === 'enabled' && !(body.thinking.budget_tokens < body.max_tokens)) problems.push('thinking.budget_tokens must be less than max_tokens');
  if (body?.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) problems.push('system is neither a string nor blocks');
  return problems;
}

/** The fake API. */
export class FakeAnthropicServer {
  /** Every request, in order. */
  readonly requests: FakeRequest[] = [];
  /** What the real API would have rejected. */
  readonly problems: string[] = [];
  private readonly queue: FakeReply[] = [];
  private handler: FakeHandler = (request) => {
    const last = request.body?.messages?.at(-1)?.content;
    const text = typeof last === 'string' ? last : (last ?? []).filter((b: any) => b.type === 'text').map((b: any) => b.text).join(' ');
    return message(`You said: ${text}`);
  };

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeAnthropicServer> {
    const fake: FakeAnthropicServer = new FakeAnthropicServer(createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        const request: FakeRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        fake.requests.push(request);
        fake.problems.push(...requestProblems(request));
        void fake.answer(request, res);
      });
    }));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The base URL to put in ANTHROPIC_BASE_URL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues replies, used once each, in order, before the handler. */
  reply(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Answers every request without a queued reply. */
  handle(handler: FakeHandler): this {
    this.handler = handler;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(request: FakeRequest, res: ServerResponse): Promise<void> {
    const reply = this.queue.shift() ?? this.handler(request);
    if (reply.kind === 'hangup') {
      res.socket?.destroy();
      return;
    }
    if (reply.kind === 'error') {
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': 'req_fake', ...reply.headers });
      res.end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message }, request_id: 'req_fake' }));
      return;
    }
    if (reply.kind === 'message' && request.body?.stream !== true) {
      const { content, ...rest } = { ...envelope(reply, request), content: reply.content, stop_reason: stopReason(reply), stop_sequence: null, usage: usageOf(reply, request) };
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' }).end(JSON.stringify({ ...rest, content }));
      return;
    }
    const events = reply.kind === 'message' ? messageEvents(reply, request) : reply.events;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
    await writeStream(res, events, reply);
  }
}

/** The SSE text of events. */
export function sseText(events: readonly (Record<string, unknown> | string)[], eol: '\n' | '\r\n' = '\n'): string {
  return events.map((event) => (typeof event === 'string' ? event : `event: ${String(event.type)}${eol}data: ${JSON.stringify(event)}${eol}${eol}`)).join('');
}

async function writeStream(res: ServerResponse, events: readonly (Record<string, unknown> | string)[], shape: StreamShape): Promise<void> {
  const sent = shape.cutAfter === undefined ? events : events.slice(0, shape.cutAfter);
  await writeInSlices(res, sseText(sent, shape.lineEnding), shape.slices);
  if (shape.cutAfter !== undefined) res.socket?.destroy();
  else res.end();
}
