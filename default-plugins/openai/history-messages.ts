import { readFileSync } from 'node:fs';
import { historyText, LlmError, type HistoryMessage, type MessageAttachment } from 'llm-host';

/** A Chat Completions message built from structured history (tool calls, results, attachments). */
export type HistoryChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly Record<string, unknown>[] }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly ToolCallEntry[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

interface ToolCallEntry {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/**
 * Chat Completions messages for a conversation's structured history (a thread the Python llm 0.32
 * logged): system and user text, attachments as image, audio or file parts, the assistant's text
 * and tool calls, and one `tool` message per tool result. Reasoning is not sent back.
 */
export function historyChatMessages(history: readonly HistoryMessage[]): HistoryChatMessage[] {
  const out: HistoryChatMessage[] = [];
  for (const message of history) {
    const text = historyText(message);
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: text });
        break;
      case 'user': {
        const attachments = message.parts.filter((part) => part.type === 'attachment');
        if (attachments.length === 0) {
          out.push({ role: 'user', content: text });
        } else {
          const content: Record<string, unknown>[] = [];
          if (text) content.push({ type: 'text', text });
          for (const part of attachments) content.push(attachmentContent(part.attachment));
          out.push({ role: 'user', content });
        }
        break;
      }
      case 'assistant': {
        const calls = message.parts.flatMap((part): ToolCallEntry[] =>
          part.type === 'tool_call'
            ? [{ id: part.toolCallId ?? `call_${part.name}`, type: 'function', function: { name: part.name, arguments: JSON.stringify(part.arguments) } }]
            : [],
        );
        out.push(calls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: calls } : { role: 'assistant', content: text });
        break;
      }
      case 'tool':
        for (const part of message.parts) {
          if (part.type !== 'tool_result') continue;
          const output = part.exception ? `Error: ${part.exception}` : part.output;
          out.push({ role: 'tool', tool_call_id: part.toolCallId ?? `call_${part.name}`, content: output });
        }
        break;
    }
  }
  return out;
}

/** The system prompt the history ends with, if any. */
export function lastSystemPrompt(history: readonly HistoryMessage[]): string | undefined {
  const system = history.findLast((message) => message.role === 'system');
  return system ? historyText(system) : undefined;
}

/** A user content part for an attachment: an image (by URL or inline), audio, or a file. */
function attachmentContent(attachment: MessageAttachment): Record<string, unknown> {
  const type = attachment.type ?? 'application/octet-stream';
  if (type.startsWith('image/') && attachment.url && !attachment.content) return { type: 'image_url', image_url: { url: attachment.url } };
  const bytes = attachmentBytes(attachment);
  const base64 = Buffer.from(bytes).toString('base64');
  if (type.startsWith('image/')) return { type: 'image_url', image_url: { url: `data:${type};base64,${base64}` } };
  if (type === 'audio/wav' || type === 'audio/x-wav' || type === 'audio/mpeg' || type === 'audio/mp3') {
    return { type: 'input_audio', input_audio: { data: base64, format: type.endsWith('wav') ? 'wav' : 'mp3' } };
  }
  return { type: 'file', file: { filename: attachment.path?.split(/[\\/]/).at(-1) ?? 'attachment', file_data: `data:${type};base64,${base64}` } };
}

function attachmentBytes(attachment: MessageAttachment): Uint8Array {
  if (attachment.content && attachment.content.length > 0) return attachment.content;
  if (attachment.path) {
    try {
      return readFileSync(attachment.path);
    } catch (error) {
      throw new LlmError(
        `The conversation has an attachment that cannot be read: ${attachment.path} (${(error as Error).message}). Put the file back, or start a new conversation without -c.`,
      );
    }
  }
  throw new LlmError(`The conversation has a ${attachment.type ?? ''} attachment at ${attachment.url ?? 'no address'} that cannot be sent inline; start a new conversation without -c.`);
}
