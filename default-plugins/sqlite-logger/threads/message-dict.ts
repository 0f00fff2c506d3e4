import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HistoryMessage, MessageAttachment, MessagePart } from 'llm-host';
import { pythonJsonDumps } from './python-json.js';

/** A JSON value as the Python side builds it (dicts of its `to_dict()` methods). */
export type PythonDict = Record<string, unknown>;

/**
 * `Message.to_dict()` of the Python llm for one of our messages, each attachment written by
 * `attachment` (the canonical form for hashing; the stored reference when writing rows).
 */
export function messageDict(message: HistoryMessage, attachment: (a: MessageAttachment) => PythonDict): PythonDict {
  return { role: message.role, parts: message.parts.map((part) => partDict(part, attachment)) };
}

/** `Part.to_dict()` of the Python llm (llm/parts.py), keys as it writes them. */
export function partDict(part: MessagePart, attachment: (a: MessageAttachment) => PythonDict): PythonDict {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'reasoning':
      return { type: 'reasoning', text: part.text, ...(part.redacted ? { redacted: true } : {}) };
    case 'tool_call':
      return { type: 'tool_call', name: part.name, arguments: part.arguments, ...(part.toolCallId !== undefined ? { tool_call_id: part.toolCallId } : {}) };
    case 'tool_result':
      return {
        type: 'tool_result',
        name: part.name,
        output: part.output,
        ...(part.toolCallId !== undefined ? { tool_call_id: part.toolCallId } : {}),
        ...(part.exception !== undefined ? { exception: part.exception } : {}),
        ...(part.attachments && part.attachments.length > 0 ? { attachments: part.attachments.map(attachment) } : {}),
      };
    case 'attachment':
      return { type: 'attachment', attachment: attachment(part.attachment) };
  }
}

/**
 * The Python llm's `_canonical_attachment`: the sha256 of the bytes (read from the path if the
 * bytes are not there; `missing:<path>` if it cannot be read; for a URL, of `{"url": ...}`) and
 * the type.
 */
export function canonicalAttachment(attachment: MessageAttachment, readFile?: (path: string) => Uint8Array): PythonDict {
  let id: string;
  if (attachment.content && attachment.content.length > 0) {
    id = sha256(attachment.content);
  } else if (attachment.path) {
    try {
      id = sha256((readFile ?? readFileSync)(attachment.path));
    } catch {
      id = `missing:${attachment.path}`;
    }
  } else {
    id = sha256(new TextEncoder().encode(pythonJsonDumps({ url: attachment.url ?? null })));
  }
  return { id, type: attachment.type ?? null };
}

/** The id of an attachment in the `attachments` table (the Python llm's `Attachment.id()`). */
export function attachmentId(attachment: MessageAttachment): string {
  return canonicalAttachment(attachment).id as string;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
