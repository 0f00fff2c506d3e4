import { historyText, type Conversation, type HistoryMessage } from 'llm-host';
import type { SqliteDatabase } from '../engines/types.js';
import { MessageStore } from './message-store.js';
import { setThreadPosition } from './thread-positions.js';
import { threadExists } from './turn-rows.js';

/** A logged 0.32 thread, read to be continued. */
export interface LoggedThread {
  readonly id: string;
  readonly name: string | undefined;
  /** The model of its newest turn (as the Python llm picks it). */
  readonly model: string;
  /** Its messages, oldest first. */
  readonly history: HistoryMessage[];
  /** The hash of its last message (null for a thread without messages). */
  readonly tip: string | null;
}

/** Reads the thread `id`, if the log has it and it has a turn to take the model from. */
export function readThread(db: SqliteDatabase, id: string): LoggedThread | undefined {
  if (!threadExists(db, id)) return undefined;
  const thread = db.get<{ name: string | null; tip_message_hash: string | null }>('SELECT name, tip_message_hash FROM threads WHERE id = ?', [id])!;
  const model = db.get<{ model: string | null }>('SELECT model FROM turns WHERE thread_id = ? ORDER BY id DESC LIMIT 1', [id])?.model;
  if (!model) return undefined;
  return { id, name: thread.name ?? undefined, model, history: new MessageStore(db).messagesOf(thread.tip_message_hash), tip: thread.tip_message_hash };
}

/** Marks `conversation` as the continuation of `thread`: its turns are logged to the thread. */
export function continueThread(conversation: Conversation, thread: LoggedThread): void {
  const system = thread.history.findLast((message) => message.role === 'system');
  setThreadPosition(conversation, { threadId: thread.id, tip: thread.tip, system: system ? historyText(system) : undefined });
}
