/**
 * MIME types from content, by magic bytes (the `file-type` package, loaded on first use), with the
 * Python llm's spelling for types that have several (`audio/wav`, not `audio/wave` or `audio/x-wav`).
 */

/** How many leading bytes are enough to tell a type (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

/** Spellings normalised to the one the Python llm and the OpenAI plugin use. */
const TYPE_FIXES: Readonly<Record<string, string>> = {
  'audio/wave': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'image/jpg': 'image/jpeg',
};

/** A MIME type in lower case, without parameters (`; charset=...`), in its usual spelling. */
export function normalizeType(type: string): string {
  const bare = type.split(';')[0]!.trim().toLowerCase();
  return TYPE_FIXES[bare] ?? bare;
}

let fileType: Promise<typeof import('file-type')> | undefined;

/** The type the content's first bytes show, or undefined when they match no known format. */
export async function detectType(bytes: Uint8Array): Promise<string | undefined> {
  if (bytes.length === 0) return undefined;
  const { fileTypeFromBuffer } = await (fileType ??= import('file-type'));
  const found = await fileTypeFromBuffer(bytes.subarray(0, SNIFF_BYTES));
  return found ? normalizeType(found.mime) : undefined;
}

/** Whether bytes read as text: valid UTF-8 without NUL characters. */
export function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
