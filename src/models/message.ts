/**
 * Conversation history as structured messages (the Python llm 0.32's `Message` and `Part`): what a
 * conversation restored from a 0.32 thread carries, and what models send before its new prompt.
 */

/** An attachment in a message: bytes (`content`), or a `url` or `path` to read them from. */
export interface MessageAttachment {
  /** MIME type, e.g. `image/png`. */
  readonly type?: string | undefined;
  readonly url?: string | undefined;
  readonly path?: string | undefined;
  readonly content?: Uint8Array | undefined;
}

/** One piece of a message. */
export type MessagePart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'reasoning'; readonly text: string; readonly redacted?: boolean }
  | { readonly type: 'tool_call'; readonly name: string; readonly arguments: Readonly<Record<string, unknown>>; readonly toolCallId?: string | undefined }
  | {
      readonly type: 'tool_result';
      readonly name: string;
      readonly output: string;
      readonly toolCallId?: string | undefined;
      readonly exception?: string | undefined;
      readonly attachments?: readonly MessageAttachment[];
    }
  | { readonly type: 'attachment'; readonly attachment: MessageAttachment };

/** One message: a role and its parts, in order. */
export interface HistoryMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly parts: readonly MessagePart[];
}

/** The text of a message's text parts, joined. */
export function historyText(message: HistoryMessage): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
