import { attachmentsSection, fragmentsSection, reasoningSection, toolCallsSection, toolResultsSection, toolsSection } from './format-extras.js';
import type { LogExtras, LogFragment } from './log-extras.js';
import { responseReplacements, uncondenseJson } from './condense-json.js';
import type { LogRow } from './queries.js';
import { pythonJsonDumps } from './threads/python-json.js';

/** How to show rows. */
export interface FormatOptions {
  /** Listing one conversation: its id and model are shown once, on the first response. */
  readonly conversation?: boolean;
  /** Show token usage. */
  readonly usage?: boolean;
  /** Truncate long prompts and responses (`-t`). */
  readonly truncate?: boolean;
  /** Fragments in full (`-e/--expand`): their content in Markdown, not their hashes; untruncated in JSON. */
  readonly expand?: boolean;
}

/**
 * The Python llm's `llm logs` Markdown: a heading per response with its time, conversation and id,
 * then the model, prompt, options, system prompt (when it changes), schema, response and usage.
 */
export function formatMarkdown(rows: readonly (LogRow & LogExtras)[], options: FormatOptions = {}): string {
  const out: string[] = [];
  const echo = (text: string) => out.push(`${text}\n`);
  const seenTools = new Set<string>();
  let currentSystem: string | null | undefined;
  let showConversation = true;
  for (const row of rows) {
    const prompt = options.truncate ? truncate(row.prompt ?? '') : row.prompt;
    const conversation = showConversation ? `    conversation: ${row.conversation_id} id: ${row.id}` : '';
    const model = showConversation ? `\nModel: **${row.model}**${row.resolved_model ? ` (resolved: **${row.resolved_model}**)` : ''}\n` : '';
    echo(`# ${dateOf(row)}${conversation}\n${model}`);
    if (options.conversation) showConversation = false;
    echo(`## Prompt\n\n${prompt || '-- none --'}`);
    out.push(fragmentsSection(row.prompt_fragments, 'Prompt fragments', options.expand));
    const modelOptions = parseJson(row.options_json);
    if (modelOptions && typeof modelOptions === 'object' && Object.keys(modelOptions).length > 0) {
      const lines = Object.entries(modelOptions).map(([key, value]) => `- ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
      echo(`\n## Options\n\n${lines.join('\n')}`);
    }
    if (row.system !== currentSystem) {
      if (row.system !== null) echo(`\n## System\n\n${row.system}`);
      currentSystem = row.system;
    }
    out.push(fragmentsSection(row.system_fragments, 'System fragments', options.expand));
    const schema = parseJson(row.schema_json);
    if (schema !== undefined) echo(`\n## Schema\n\n\`\`\`json\n${JSON.stringify(schema, null, 2)}\n\`\`\``);
    let response = options.truncate ? truncate(row.response ?? '') : row.response;
    if (schema !== undefined && response) {
      const parsed = parseJson(response);
      if (parsed !== undefined) response = `\`\`\`json\n${JSON.stringify(parsed, null, 2)}\n\`\`\``;
    }
    out.push(toolsSection(row.tools, seenTools), toolResultsSection(row.tool_results), attachmentsSection(row.attachments), reasoningSection(row));
    echo('\n## Response\n');
    out.push(toolCallsSection(row.tool_calls));
    if (response) echo(`${response}\n`);
    if (options.usage) {
      const usage = usageText(row);
      if (usage) echo(`## Token usage\n\n${usage}\n`);
    }
  }
  return out.join('');
}

/**
 * `--json`: the rows with their `_json` columns decoded (dropped with `-t`) and their fragments'
 * content cut to 100 characters unless `expand`, as the Python llm.
 */
export function formatJson(rows: readonly LogRow[], options: FormatOptions = {}): string {
  const objects = rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (key.endsWith('_json') && value !== null) {
        // response_json and prompt_json are stored condensed (see condense-json.ts): shown whole.
        const parsed = parseJson(value as string);
        const whole = parsed !== undefined && (key === 'response_json' || key === 'prompt_json') ? uncondenseJson(parsed, responseReplacements(row.id, row.response)) : parsed;
        if (!options.truncate) object[key] = whole ?? value;
      } else if (options.truncate && (key === 'prompt' || key === 'response')) {
        object[key] = truncate((value as string | null) ?? '');
      } else if ((key === 'prompt_fragments' || key === 'system_fragments') && Array.isArray(value) && !options.expand) {
        object[key] = (value as LogFragment[]).map((fragment) => ({ ...fragment, content: truncate(fragment.content) }));
      } else {
        object[key] = value;
      }
    }
    return object;
  });
  return `${JSON.stringify(objects, null, 2)}\n`;
}

/** `-s/--short`: YAML, one short entry per response, as the Python llm. */
export async function formatShort(rows: readonly LogRow[], options: FormatOptions = {}): Promise<string> {
  const { stringify } = await import('yaml');
  return rows
    .map((row) => {
      const entry: Record<string, unknown> = { model: row.model, datetime: dateOf(row), conversation: row.conversation_id };
      const extras = row as LogExtras;
      if (extras.tool_calls?.length) entry.tool_calls = extras.tool_calls.map((call) => `${call.name}(${pythonJsonDumps(call.arguments)})`);
      if (extras.tool_results?.length) entry.tool_results = extras.tool_results.map((result) => `${result.name}: ${truncate(result.output)}`);
      if (row.system) entry.system = truncate(row.system, 120, { normalize: true });
      if (row.prompt) entry.prompt = truncate(row.prompt, 120, { normalize: true, keepEnd: true });
      if (extras.attachments?.length) {
        entry.attachments = extras.attachments.map((a) => ({ type: a.type, ...(a.path ? { path: a.path } : {}), ...(a.url ? { url: a.url } : {}) }));
      }
      if (extras.prompt_fragments) entry.prompt_fragments = extras.prompt_fragments.map((f) => f.hash);
      if (extras.system_fragments) entry.system_fragments = extras.system_fragments.map((f) => f.hash);
      if (options.usage && (row.input_tokens || row.output_tokens)) {
        entry.usage = { input: row.input_tokens, output: row.output_tokens, ...(row.token_details ? { details: parseJson(row.token_details) } : {}) };
      }
      return stringify([entry]);
    })
    .join('');
}

/** Token usage as the Python llm writes it: `1,234 input, 56 output, {"cached": 3}`. */
export function usageText(row: Pick<LogRow, 'input_tokens' | 'output_tokens' | 'token_details'>): string {
  const parts: string[] = [];
  if (row.input_tokens !== null) parts.push(`${row.input_tokens.toLocaleString('en-US')} input`);
  if (row.output_tokens !== null) parts.push(`${row.output_tokens.toLocaleString('en-US')} output`);
  if (row.token_details) parts.push(row.token_details);
  return parts.join(', ');
}

/**
 * The Python llm's truncate_string: at most `max` characters, ending in `...`; `normalize`
 * collapses whitespace; `keepEnd` keeps the start and the end around `... `.
 */
export function truncate(text: string, max = 100, settings: { normalize?: boolean; keepEnd?: boolean } = {}): string {
  const chars = Array.from(settings.normalize ? text.replace(/\s+/g, ' ') : text);
  if (chars.length <= max) return chars.join('');
  if (settings.keepEnd && max >= 9) {
    const cutoff = Math.floor((max - 5) / 2);
    return `${chars.slice(0, cutoff).join('')}... ${chars.slice(-cutoff).join('')}`;
  }
  return `${chars.slice(0, max - 3).join('')}...`;
}

function dateOf(row: LogRow): string {
  return (row.datetime_utc ?? '').split('.')[0]!;
}

function parseJson(text: string | null): unknown {
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
