import { UsageError } from '../errors.js';
import { Attachment } from '../models/attachment.js';
import { readAllBytes } from './read-prompt.js';

/** An attachment as typed: `-a PATH|URL|-`, or `--at PATH|URL|- MIMETYPE` with its type. */
export interface AttachmentArgument {
  readonly value: string;
  readonly type?: string | undefined;
}

/**
 * Turns `-a`/`--at` values into attachments: `-` reads all of stdin (binary), a value with `://`
 * is a URL (not fetched here: only a model that needs the bytes fetches them), anything else a
 * file path. Types are detected later, from the content, unless given with `--at`.
 */
export async function resolveAttachments(values: readonly AttachmentArgument[], stdin: NodeJS.ReadableStream = process.stdin): Promise<Attachment[]> {
  if (values.filter((v) => v.value === '-').length > 1) throw new UsageError('Only one attachment can come from stdin (-a -).');
  const attachments: Attachment[] = [];
  for (const { value, type } of values) {
    if (type !== undefined && !/^[\w.+-]+\/[\w.+-]+$/.test(type)) throw new UsageError(`--at ${value} ${type}: '${type}' is not a MIME type like image/png.`);
    if (value === '-') {
      const bytes = await readAllBytes(stdin);
      if (bytes.length === 0) throw new UsageError('-a - reads an attachment from stdin, but stdin was empty: pipe a file to llm.');
      attachments.push(Attachment.fromBytes(bytes, type));
    } else if (value.includes('://')) {
      attachments.push(Attachment.fromUrl(value, type));
    } else {
      attachments.push(Attachment.fromPath(value, type));
    }
  }
  return attachments;
}
