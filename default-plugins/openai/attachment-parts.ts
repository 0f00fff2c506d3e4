import type { Attachment, Conversation, Prompt } from 'llm-host';

/** A Chat Completions user-message content part. */
export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } }
  | { readonly type: 'input_audio'; readonly input_audio: { readonly data: string; readonly format: 'wav' | 'mp3' } }
  | { readonly type: 'file'; readonly file: { readonly filename: string; readonly file_data: string } };

/** The content part of each attachment of a prompt and of the conversation's earlier turns. */
export type AttachmentParts = ReadonlyMap<Attachment, ContentPart>;

/**
 * Builds the content parts for every attachment the request sends (earlier turns' too), reading
 * bytes only where the API needs them: an image URL is sent as its URL, an image file as a data
 * URL; audio and PDFs always go as base64, as the Python llm sends them.
 */
export async function attachmentParts(prompt: Prompt, conversation: Conversation | undefined): Promise<AttachmentParts> {
  const parts = new Map<Attachment, ContentPart>();
  const all = [...(conversation?.responses ?? []).flatMap((response) => response.prompt.attachments), ...prompt.attachments];
  for (const attachment of all) if (!parts.has(attachment)) parts.set(attachment, await attachmentPart(attachment));
  return parts;
}

/** One attachment as a content part (the Python llm's `_attachment`). */
export async function attachmentPart(attachment: Attachment): Promise<ContentPart> {
  const type = await attachment.resolveType();
  if (type === 'application/pdf') {
    return { type: 'file', file: { filename: `${await attachment.id()}.pdf`, file_data: `data:application/pdf;base64,${await attachment.base64()}` } };
  }
  if (type.startsWith('audio/')) return { type: 'input_audio', input_audio: { data: await attachment.base64(), format: type === 'audio/wav' ? 'wav' : 'mp3' } };
  const url = attachment.url ?? `data:${type};base64,${await attachment.base64()}`;
  return { type: 'image_url', image_url: { url } };
}
