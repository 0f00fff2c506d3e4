import type { Attachment } from 'llm-host';
import type { SqlValue } from './engines/types.js';

/** An `attachments` row: a path or URL is stored as such, only bytes given as bytes are stored. */
export interface AttachmentRow {
  readonly id: string;
  readonly type: string;
  readonly path: string | null;
  readonly url: string | null;
  readonly content: Uint8Array | null;
}

/** The `attachments` rows of some attachments, in order. */
export async function attachmentRows(list: readonly Attachment[]): Promise<AttachmentRow[]> {
  const rows: AttachmentRow[] = [];
  for (const attachment of list) {
    rows.push({ id: await attachment.id(), type: await attachment.resolveType(), path: attachment.path ?? null, url: attachment.url ?? null, content: attachment.content ?? null });
  }
  return rows;
}

/** Inserts an attachment once, by id (the Python llm's `insert(..., replace=True)` of the same content). */
export const INSERT_ATTACHMENT = 'INSERT OR IGNORE INTO [attachments] ([id], [type], [path], [url], [content]) VALUES (?, ?, ?, ?, ?)';

/** The parameters of INSERT_ATTACHMENT. */
export function attachmentParams(attachment: AttachmentRow): SqlValue[] {
  return [attachment.id, attachment.type, attachment.path, attachment.url, attachment.content];
}
