import * as Flags from '@oclif/core/flags';
import type { AttachmentArgument } from '../services/resolve-attachments.js';
import { parsePairs } from './key-value-args.js';

/** Flags shared by `llm prompt` and `llm chat`. */
export const modelFlags = {
  model: Flags.string({
    char: 'm',
    summary: 'Model id or alias to use (default: llm models default).',
    env: 'LLM_MODEL',
    helpValue: 'MODEL',
  }),
  system: Flags.string({ char: 's', summary: 'System prompt.', helpValue: 'TEXT' }),
  option: Flags.string({
    char: 'o',
    summary: 'Model option as a key and a value, e.g. -o temperature 0.5 (repeatable; see llm models --options).',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'KEY VALUE',
  }),
  key: Flags.string({ summary: 'API key to use, or the name of a key stored with llm keys set.', helpValue: 'KEY' }),
  'no-stream': Flags.boolean({ summary: 'Wait for the whole response instead of streaming it.' }),
};

/** Template flags shared by `llm prompt` and `llm chat`. */
export const templateFlags = {
  template: Flags.string({ char: 't', summary: 'Template to use: a name (see llm templates) or a path to a YAML file.', helpValue: 'NAME' }),
  param: Flags.string({
    char: 'p',
    summary: 'A template variable as a name and a value, e.g. -p voice GlaDOS (repeatable).',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'KEY VALUE',
  }),
};

/** Attachment and fragment flags shared by `llm prompt` and `llm chat`. */
export const attachmentFlags = {
  attachment: Flags.string({
    char: 'a',
    summary: 'Attach an image, audio file or PDF: a path, a URL, or - for stdin (repeatable; the type is detected from the content).',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'PATH|URL|-',
  }),
  'attachment-type': Flags.string({
    aliases: ['at'],
    summary: 'Attach a file with its MIME type given, e.g. --at photo.bin image/jpeg (repeatable).',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'PATH|URL|- MIMETYPE',
  }),
  fragment: Flags.string({
    char: 'f',
    summary: 'Text placed before the prompt: a path, a URL, - for stdin, a stored hash or alias, or prefix:argument for a loader (repeatable; see llm fragments).',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'PATH|URL|HASH|ALIAS|-',
  }),
  'system-fragment': Flags.string({
    aliases: ['sf'],
    summary: 'Text placed before the system prompt, as -f (repeatable).',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'PATH|URL|HASH|ALIAS|-',
  }),
};

/** `-a` values, then `--at` pairs (the Python llm's order), as `resolveAttachments` takes them. */
export function attachmentArguments(flags: { attachment?: string[] | undefined; 'attachment-type'?: string[] | undefined }): AttachmentArgument[] {
  return [...(flags.attachment ?? []).map((value) => ({ value })), ...parsePairs(flags['attachment-type']).map(([value, type]) => ({ value, type }))];
}

/** The flags whose values are `KEY VALUE` pairs. */
export const PAIRED_FLAGS = ['-o', '--option', '-p', '--param', '--at', '--attachment-type'];

/** Flags that continue a logged conversation, shared by `llm prompt` and `llm chat`. */
export const conversationFlags = {
  continue: Flags.boolean({ char: 'c', summary: 'Continue your most recent conversation, not an experiment\'s or an LLM function\'s (its model too, unless -m).' }),
  cid: Flags.string({ summary: 'Continue the conversation with this id (see llm logs).', aliases: ['conversation'], helpValue: 'ID' }),
  database: Flags.string({ char: 'd', summary: 'Log to, and continue from, this SQLite file instead of logs.db.', helpValue: 'FILE' }),
};

/** Tool flags shared by `llm prompt` and `llm chat` (the Python llm's names). */
export const toolFlags = {
  tool: Flags.string({
    char: 'T',
    summary: "A tool the model may call: a name (see llm tools), or a toolbox with its configuration, e.g. -T 'Memory({\"file\": \"m.json\"})' (repeatable).",
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'NAME',
  }),
  functions: Flags.string({
    summary: 'A .ts/.js/.mjs file, or code, whose exported functions become tools (repeatable).',
    multiple: true,
    multipleNonGreedy: true,
    helpValue: 'FILE|CODE',
  }),
  'tools-debug': Flags.boolean({ aliases: ['td'], summary: 'Show each tool call and its result on stderr.', env: 'LLM_TOOLS_DEBUG' }),
  'tools-approve': Flags.boolean({ aliases: ['ta'], summary: 'Ask before each tool call (needs a terminal).' }),
  'chain-limit': Flags.integer({ summary: 'How many replies a chain of tool calls may take (default 5; 0 for no limit).', min: 0, helpValue: 'N' }),
};
