import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { AnthropicApiError, displayUrl, redact, streamError, type Target } from './api-error.js';
import type { ContentBlock } from './request-body.js';

/** A Messages API message, as the API returns it whole (and as a stream adds up to). */
export interface MessageJson {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content: ContentBlock[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * Turns the body's bytes into server-sent events, however the network splits them: an event, a
 * line, a `\r\n` pair or a multi-byte UTF-8 character may straddle two reads (TextDecoder in
 * streaming mode keeps a split character, eventsource-parser a split line or event).
 */
export class SseReader {
  private readonly decoder = new TextDecoder('utf-8');
  private events: EventSourceMessage[] = [];
  private readonly parser = createParser({ onEvent: (event) => void this.events.push(event) });

  /** The events the next piece of the body completes. */
  push(bytes: Uint8Array): EventSourceMessage[] {
    this.parser.feed(this.decoder.decode(bytes, { stream: true }));
    return this.take();
  }

  /** The body ended: the events its last bytes complete (an event with no blank line after it was cut off, and is dropped). */
  end(): EventSourceMessage[] {
    this.parser.feed(this.decoder.decode());
    return this.take();
  }

  private take(): EventSourceMessage[] {
    const events = this.events;
    this.events = [];
    return events;
  }
}

/** Parses JSON from the API; anything else is an error saying what came instead. */
export function parseJson(text: string, target: Target): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const sample = redact(text.slice(0, 80), target.key).replace(/\s+/g, ' ');
    throw new AnthropicApiError(`${displayUrl(target.url)} sent something that is not JSON: ${JSON.stringify(sample)}`, 'Is ANTHROPIC_BASE_URL the root of the Anthropic API?');
  }
}

/**
 * Adds up a streamed message from its events, as the API would have sent it whole:
 * `message_start` (the message, usage so far), `content_block_start/delta/stop` (text, thinking
 * with its signature, tool_use with its input as JSON in pieces), `message_delta` (stop reason,
 * final usage), `message_stop`. `ping` and unknown events are skipped; an `error` event throws.
 */
export class MessageStream {
  readonly message: MessageJson = { content: [] };
  /** `message_stop` arrived. */
  finished = false;
  /** A tool_use block's input, as JSON text so far, by block index. */
  private readonly partialJson = new Map<number, string>();

  constructor(
    private readonly target: Target,
    /** A tool whose input is the reply (the forced tool call of `--schema`): its JSON streams as text. */
    private readonly outputTool: string | undefined,
  ) {}

  /** Applies one event; returns the reply text it adds. */
  apply(event: EventSourceMessage): string {
    const data = parseJson(event.data, this.target) as Record<string, any>;
    const type = typeof data.type === 'string' ? data.type : event.event;
    const content = this.message.content as Record<string, any>[];
    switch (type) {
      case 'message_start':
        Object.assign(this.message, data.message, { content: [] });
        return '';
      case 'content_block_start':
        content[data.index] = { ...data.content_block, ...(data.content_block?.type === 'tool_use' ? { input: {} } : {}) };
        return '';
      case 'content_block_delta':
        return this.delta(content[data.index], data.index, data.delta ?? {});
      case 'content_block_stop': {
        const json = this.partialJson.get(data.index);
        if (json !== undefined && content[data.index]) content[data.index]!.input = json.trim() === '' ? {} : parseJson(json, this.target);
        return '';
      }
      case 'message_delta':
        Object.assign(this.message, data.delta);
        this.message.usage = { ...this.message.usage, ...data.usage };
        return '';
      case 'message_stop':
        this.finished = true;
        return '';
      case 'error':
        throw streamError(this.target, event.data);
      default:
        // `ping`, and any event type newer than this plugin.
        return '';
    }
  }

  private delta(block: Record<string, any> | undefined, index: number, delta: Record<string, any>): string {
    if (!block) return '';
    switch (delta.type) {
      case 'text_delta':
        block.text = (block.text ?? '') + delta.text;
        return delta.text ?? '';
      case 'thinking_delta':
        block.thinking = (block.thinking ?? '') + delta.thinking;
        return '';
      case 'signature_delta':
        block.signature = delta.signature;
        return '';
      case 'citations_delta':
        block.citations = [...(block.citations ?? []), delta.citation];
        return '';
      case 'input_json_delta':
        this.partialJson.set(index, (this.partialJson.get(index) ?? '') + (delta.partial_json ?? ''));
        return block.name === this.outputTool ? (delta.partial_json ?? '') : '';
      default:
        return '';
    }
  }
}

/** The reply text of a whole message: its text blocks, or the input of the output tool as JSON. */
export function replyText(message: MessageJson, outputTool: string | undefined): string {
  let text = '';
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (outputTool && block.type === 'tool_use' && block.name === outputTool) text += JSON.stringify(block.input);
  }
  return text;
}
