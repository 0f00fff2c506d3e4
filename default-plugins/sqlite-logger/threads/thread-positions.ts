import type { Conversation } from 'llm-host';

/**
 * Conversations restored from a Python llm 0.32 thread, and how far each has got: the thread, the
 * hash of the message the next turn chains to (advanced as each turn is recorded, before its write
 * reaches the file), and the system prompt in force. Kept apart from the writer, so that logging a
 * response of any other conversation loads none of it.
 */
export interface ThreadPosition {
  readonly threadId: string;
  tip: string | null;
  system: string | undefined;
}

const positions = new WeakMap<Conversation, ThreadPosition>();

/** Where `conversation`'s next turn goes, if it continues a 0.32 thread. */
export function threadPosition(conversation: Conversation | undefined): ThreadPosition | undefined {
  return conversation ? positions.get(conversation) : undefined;
}

/** Marks `conversation` as continuing a thread from `position`. */
export function setThreadPosition(conversation: Conversation, position: ThreadPosition): void {
  positions.set(conversation, position);
}
