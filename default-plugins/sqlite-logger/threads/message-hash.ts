import { blake2b } from '@noble/hashes/blake2b';
import { bytesToHex } from '@noble/hashes/utils';
import type { HistoryMessage } from 'llm-host';
import { canonicalAttachment, messageDict, type PythonDict } from './message-dict.js';
import { canonicalJson } from './python-json.js';

/**
 * Message identity as the Python llm 0.32 computes it (llm/logs.py `message_hash`): `b2:` and the
 * BLAKE2b digest (16 bytes) of the canonical JSON of `{"parent": <parent hash>, "message":
 * message.to_dict()}`, attachments replaced by `{"id": sha256 of their bytes, "type": ...}`.
 * (BLAKE2b comes from @noble/hashes, which loads only with this file: logging a response that is
 * not in a thread needs the message dicts of message-dict.ts, not their hashes.)
 */
export const HASH_PREFIX = 'b2:';

export { attachmentId, canonicalAttachment, messageDict, partDict, type PythonDict } from './message-dict.js';

/** The Python llm's `content_hash`: tagged BLAKE2b-128 of the canonical JSON. */
export function contentHash(value: unknown): string {
  return HASH_PREFIX + bytesToHex(blake2b(new TextEncoder().encode(canonicalJson(value)), { dkLen: 16 }));
}

/** The hash of a message (as its `to_dict()`, attachments canonical) reached from `parentHash`. */
export function hashMessageDict(message: PythonDict, parentHash: string | null): string {
  return contentHash({ parent: parentHash, message });
}

/** The hash of one of our messages, as the Python llm would compute it for the same content. */
export function messageHash(message: HistoryMessage, parentHash: string | null): string {
  return hashMessageDict(messageDict(message, canonicalAttachment), parentHash);
}

