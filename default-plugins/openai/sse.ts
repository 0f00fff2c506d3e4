/** One server-sent event. */
export interface SseEvent {
  /** The `event:` field, if the server named the event. */
  readonly event: string | undefined;
  /** The `data:` lines, joined with newlines. */
  readonly data: string;
}

/**
 * An incremental parser for `text/event-stream` (the WHATWG server-sent events format). Feed it
 * the body's bytes as they arrive, in pieces of any size: an event, a line, a `\r\n` pair or a
 * multi-byte UTF-8 character may be split across pieces. Comment lines (`: keep-alive`) and the
 * `id`/`retry` fields are ignored.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** The previous piece ended with `\r`: a `\n` starting the next one belongs to that line end. */
  private pendingCr = false;
  private data: string[] = [];
  private event: string | undefined;

  /** Parses the next piece of the body; returns the events it completed. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.feed(this.decoder.decode(bytes, { stream: true }));
  }

  /** The body ended: returns the last event if the stream did not end with a blank line. */
  end(): SseEvent[] {
    const events = this.feed(this.decoder.decode());
    if (this.buffer !== '') {
      this.line(this.buffer, events);
      this.buffer = '';
    }
    this.dispatch(events);
    return events;
  }

  private feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    if (this.pendingCr && text.startsWith('\n')) start = 1;
    this.pendingCr = false;
    const length = text.length;
    for (let i = start; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      const line = this.buffer + text.slice(start, i);
      this.buffer = '';
      this.line(line, events);
      if (code === 13) {
        if (i + 1 < length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    if (start < length) this.buffer += text.slice(start);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') return this.dispatch(events);
    if (line.charCodeAt(0) === 58) return; // ':' starts a comment, e.g. ": keep-alive"
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }

  private dispatch(events: SseEvent[]): void {
    if (this.data.length > 0) events.push({ event: this.event, data: this.data.join('\n') });
    this.data = [];
    this.event = undefined;
  }
}
