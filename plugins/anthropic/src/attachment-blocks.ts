import type { Attachment, Conversation, Prompt } from 'llm-host';
import type { ContentBlock } from './request-body.js';

/** The content block of each attachment a request sends (the earlier turns' too). */
export type AttachmentBlocks = ReadonlyMap<Attachment, ContentBlock>;

/**
 * Builds the content blocks of every attachment a request sends, reading bytes only where the API
 * needs them: a URL is sent as its URL (the API fetches it), a file or bytes as base64. Images
 * become `image` blocks, PDFs `document` blocks.
 */
export async function attachmentBlocks(prompt: Prompt, conversation: Conversation | undefined): Promise<AttachmentBlocks> {
  const blocks = new Map<Attachment, ContentBlock>();
  const all = [...(conversation?.responses ?? []).flatMap((response) => response.prompt.attachments), ...prompt.attachments];
  for (const attachment of all) {
    if (blocks.has(attachment)) continue;
    const type = await attachment.resolveType();
    const source = attachment.url !== undefined ? { type: 'url', url: attachment.url } : { type: 'base64', media_type: type, data: await attachment.base64() };
    blocks.set(attachment, { type: type === 'application/pdf' ? 'document' : 'image', source });
  }
  return blocks;
}
