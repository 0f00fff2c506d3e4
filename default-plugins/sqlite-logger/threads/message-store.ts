import type { HistoryMessage, MessageAttachment, MessagePart } from 'llm-host';
import type { SqliteDatabase, SqlValue } from '../engines/types.js';
import { hasTable } from '../migrations.js';
import type { PythonDict } from './message-dict.js';

/** The tables of the Python llm 0.32's message store (migration m023_message_store). */
export function hasMessageStore(db: SqliteDatabase): boolean {
  return hasTable(db, 'turns') && hasTable(db, 'messages') && hasTable(db, 'parts') && hasTable(db, 'threads');
}

/** An attachment row, as the Python llm stores it (content-addressed by `id`). */
export interface StoredAttachment extends MessageAttachment {
  readonly id: string;
}

/** One `parts` row, its references resolved. */
export interface StoredPart {
  /** `parts.id`: the Python llm's `llm logs --json` shows it as a tool call's or result's id. */
  readonly rowId: number;
  readonly part: MessagePart;
  /** `Part.to_dict()` as the Python llm rebuilds it (fragments and attachment ids resolved back). */
  readonly dict: PythonDict;
  /** The attachment rows it refers to, in order. */
  readonly attachments: readonly StoredAttachment[];
}

/** One `messages` row with its parts. */
export interface StoredMessage {
  readonly hash: string;
  readonly parentHash: string | null;
  readonly role: HistoryMessage['role'];
  readonly providerMetadata: PythonDict | undefined;
  readonly parts: readonly StoredPart[];
}

interface MessageRow {
  hash: string;
  parent_hash: string | null;
  role: string;
  provider_metadata: string | null;
}

interface PartRow {
  id: number;
  message_hash: string;
  position: number;
  type: string;
  tool_name: string | null;
  text: string | null;
  payload: string | null;
}

/**
 * Reads chains of messages from the Python llm 0.32's content-addressed store, each message read
 * once however many turns share it (turns of a thread share their whole prefix).
 */
export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();

  constructor(private readonly db: SqliteDatabase) {}

  /** The chain ending at `tip`, oldest message first; empty for none. Throws if a message is missing. */
  chain(tip: string | null | undefined): StoredMessage[] {
    if (!tip) return [];
    if (!this.messages.has(tip)) this.load(tip);
    const chain: StoredMessage[] = [];
    for (let hash: string | null = tip; hash !== null; ) {
      if (!this.messages.has(hash)) this.load(hash);
      const message: StoredMessage | undefined = this.messages.get(hash);
      if (!message) throw new Error(`message ${hash} is missing from the log (its thread is broken)`);
      chain.push(message);
      hash = message.parentHash;
    }
    return chain.reverse();
  }

  /** The chain as messages a model can be sent. */
  messagesOf(tip: string | null | undefined): HistoryMessage[] {
    return this.chain(tip).map((message) => ({ role: message.role, parts: message.parts.map((p) => p.part) }));
  }

  /** Loads `tip` and its ancestors not loaded yet, with their parts, fragments and attachments. */
  private load(tip: string): void {
    const ancestry = `WITH RECURSIVE chain(hash) AS (
        SELECT ? UNION ALL
        SELECT messages.parent_hash FROM messages JOIN chain ON messages.hash = chain.hash WHERE messages.parent_hash IS NOT NULL)`;
    const rows = this.db.all<MessageRow>(`${ancestry} SELECT messages.* FROM messages JOIN chain ON messages.hash = chain.hash`, [tip]);
    const parts = this.db.all<PartRow>(
      `${ancestry} SELECT parts.* FROM parts JOIN chain ON parts.message_hash = chain.hash ORDER BY parts.message_hash, parts.position`,
      [tip],
    );
    const payloads = new Map<number, PythonDict>();
    const fragmentIds = new Set<number>();
    const attachmentIds = new Set<string>();
    for (const row of parts) {
      const payload = row.payload ? (JSON.parse(row.payload) as PythonDict) : {};
      payloads.set(row.id, payload);
      for (const piece of (payload.text_ref as { fragment?: number }[] | undefined) ?? []) if (piece.fragment !== undefined) fragmentIds.add(piece.fragment);
      for (const id of attachmentRefs(row.type, payload)) attachmentIds.add(id);
    }
    const fragments = this.byId<{ id: number; content: string }>('fragments', [...fragmentIds]);
    const attachments = this.byId<{ id: string; type: string | null; path: string | null; url: string | null; content: Uint8Array | null }>('attachments', [
      ...attachmentIds,
    ]);
    const partsOf = new Map<string, StoredPart[]>();
    for (const row of parts) {
      const dict: PythonDict = { ...payloads.get(row.id)!, type: row.type };
      if (row.text !== null) dict.text = row.text;
      if (dict.text_ref) {
        dict.text = (dict.text_ref as { literal?: string; fragment?: number }[])
          .map((piece) => (piece.literal !== undefined ? piece.literal : (fragments.get(piece.fragment!)?.content ?? '')))
          .join('');
        delete dict.text_ref;
      }
      const refs = attachmentRefs(row.type, dict).map((id): StoredAttachment => {
        const found = attachments.get(id);
        return {
          id,
          type: found?.type ?? undefined,
          path: found?.path ?? undefined,
          url: found?.url ?? undefined,
          content: found?.content ? new Uint8Array(found.content) : undefined,
        };
      });
      const list = partsOf.get(row.message_hash) ?? [];
      list.push({ rowId: row.id, part: toPart(dict, refs), dict, attachments: refs });
      partsOf.set(row.message_hash, list);
    }
    for (const row of rows) {
      this.messages.set(row.hash, {
        hash: row.hash,
        parentHash: row.parent_hash,
        role: row.role as HistoryMessage['role'],
        providerMetadata: row.provider_metadata ? (JSON.parse(row.provider_metadata) as PythonDict) : undefined,
        parts: partsOf.get(row.hash) ?? [],
      });
    }
  }

  private byId<T extends { id: SqlValue }>(table: string, ids: readonly SqlValue[]): Map<T['id'], T> {
    const found = new Map<T['id'], T>();
    // In chunks: SQLite limits the number of parameters of one statement.
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      for (const row of this.db.all<T>(`SELECT * FROM [${table}] WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk)) found.set(row.id, row);
    }
    return found;
  }
}

/** The attachment ids a part's payload refers to (llm/logs.py `_attachment_ids`). */
function attachmentRefs(type: string, payload: PythonDict): string[] {
  if (type === 'attachment' && payload.attachment) return [(payload.attachment as { id: string }).id];
  if (type === 'tool_result') return ((payload.attachments as { id: string }[] | undefined) ?? []).map((ref) => ref.id);
  return [];
}

/** Our part for a stored one (llm/parts.py `Part.from_dict`). Unknown types read as empty text. */
function toPart(dict: PythonDict, attachments: readonly StoredAttachment[]): MessagePart {
  const toolCallId = typeof dict.tool_call_id === 'string' ? dict.tool_call_id : undefined;
  switch (dict.type) {
    case 'text':
      return { type: 'text', text: String(dict.text ?? '') };
    case 'reasoning':
      return { type: 'reasoning', text: String(dict.text ?? ''), redacted: dict.redacted === true };
    case 'tool_call':
      return { type: 'tool_call', name: String(dict.name ?? ''), arguments: (dict.arguments as Record<string, unknown>) ?? {}, toolCallId };
    case 'tool_result':
      return {
        type: 'tool_result',
        name: String(dict.name ?? ''),
        output: String(dict.output ?? ''),
        toolCallId,
        exception: typeof dict.exception === 'string' ? dict.exception : undefined,
        attachments,
      };
    case 'attachment':
      return { type: 'attachment', attachment: attachments[0] ?? {} };
    default:
      return { type: 'text', text: '' };
  }
}
