import type { LogAttachment, LogExtras, LogFragment, LogTool, LogToolCall, LogToolResult } from './log-extras.js';
import { pythonJsonDumps } from './threads/python-json.js';

/**
 * The Markdown sections of `llm logs` for a row's extras, as the Python llm writes them
 * (llm/cli.py `logs_list`): fragments, tools, tool results, attachments, reasoning, tool calls.
 * Each returns '' when the row has nothing to show.
 */

/**
 * `### Prompt fragments` / `### System fragments`: their hashes, or with `expand` (`llm logs -e`)
 * each one's content in a `<details>` block headed by its hash.
 */
export function fragmentsSection(fragments: readonly LogFragment[] | undefined, title: string, expand = false): string {
  if (!fragments || fragments.length === 0) return '';
  const content = expand
    ? fragments.map((fragment) => `<details><summary>${fragment.hash}</summary>\n${maybeFencedCode(fragment.content)}\n</details>`)
    : fragments.map((fragment) => `- ${fragment.hash}`);
  return `\n### ${title}\n\n${content.join('\n')}\n`;
}

/**
 * The Python llm's `maybe_fenced_code`: text that looks like code (more than ten `<`, or more than
 * three lines, nine in ten of them shorter than 120 characters) fenced with enough backticks.
 */
export function maybeFencedCode(content: string): string {
  const lines = content.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop(); // str.splitlines() drops the empty string after a final newline
  const isCode = (content.match(/</g)?.length ?? 0) > 10 || (lines.length > 3 && lines.filter((line) => line.length < 120).length / lines.length > 0.9);
  if (!isCode) return content;
  let fence = '```';
  while (content.includes(fence)) fence += '`';
  return `\n${fence}\n${content.trim()}\n${fence}`;
}

/** `### Tools`: each tool in full the first time it is shown (`seen` remembers), then by short hash. */
export function toolsSection(tools: readonly LogTool[] | undefined, seen: Set<string>): string {
  if (!tools || tools.length === 0) return '';
  const lines: string[] = [];
  const echoTool = (tool: LogTool, prefix: string) => {
    let block: string;
    if (seen.has(tool.hash)) {
      block = `- **${tool.name}**: \`${tool.hash.slice(0, 7)}\``;
    } else {
      seen.add(tool.hash);
      const properties = (tool.input_schema.properties as Record<string, unknown> | undefined) ?? {};
      block = `- **${tool.name}**: \`${tool.hash}\`  \n${indent((tool.description ?? '').trimEnd(), '    ')}  \n    Arguments: \`${pythonJsonDumps(properties)}\``;
    }
    lines.push(indent(block, prefix));
  };
  const byInstance = new Map<string, { name: string; arguments: string | null; tools: LogTool[] }>();
  for (const tool of tools) {
    if (!tool.instance) {
      echoTool(tool, '');
      continue;
    }
    const key = `${tool.instance.name}\0${tool.instance.arguments ?? ''}`;
    const group = byInstance.get(key) ?? { name: tool.instance.name, arguments: tool.instance.arguments, tools: [] };
    group.tools.push(tool);
    byInstance.set(key, group);
  }
  for (const group of byInstance.values()) {
    lines.push(`- \`${group.name}(${group.arguments && group.arguments !== '{}' ? group.arguments : ''})\`:`);
    for (const tool of group.tools) echoTool(tool, '    ');
  }
  return `\n### Tools\n\n${lines.join('\n')}\n`;
}

/** `### Tool results`: each result's output in a fence, its error and attachments. */
export function toolResultsSection(results: readonly LogToolResult[] | undefined): string {
  if (!results || results.length === 0) return '';
  const blocks = results.map((result) => {
    const attachments = result.attachments
      .map((attachment) => {
        let description = attachment.type ? `${attachment.type}: ` : '';
        if (attachment.path) description += attachment.path;
        else if (attachment.url) description += attachment.url;
        else if (attachment.content) description += `<${(attachment.content_length ?? 0).toLocaleString('en-US')} bytes>`;
        return `\n    - ${description}`;
      })
      .join('');
    const error = result.exception ? `  \n    **Error**: ${result.exception}\n` : '';
    return `- **${result.name}**: \`${result.tool_call_id}\`  \n${fencedBlock(result.output)}${error}${attachments}\n`;
  });
  return `\n### Tool results\n\n${blocks.join('')}`;
}

/** `### Attachments`: a numbered list of type and path, URL or size. */
export function attachmentsSection(attachments: readonly LogAttachment[] | undefined): string {
  if (!attachments || attachments.length === 0) return '';
  const lines = attachments.flatMap((attachment, index) => {
    const n = index + 1;
    if (attachment.path) return [`${n}. **${attachment.type}**: \`${attachment.path}\``];
    if (attachment.url) return [`${n}. **${attachment.type}**: ${attachment.url}`];
    if (attachment.content_length) return [`${n}. **${attachment.type}**: \`<${attachment.content_length.toLocaleString('en-US')} bytes>\``];
    return [];
  });
  return `\n### Attachments\n\n${lines.map((line) => `${line}\n`).join('')}`;
}

/** `## Reasoning`. */
export function reasoningSection(row: LogExtras): string {
  return row.reasoning ? `\n## Reasoning\n\n${row.reasoning.trimEnd()}\n` : '';
}

/** `### Tool calls` (inside `## Response`): each call's id and arguments. */
export function toolCallsSection(calls: readonly LogToolCall[] | undefined): string {
  if (!calls || calls.length === 0) return '';
  return `### Tool calls\n\n${calls.map((call) => `- **${call.name}**: \`${call.tool_call_id}\`  \n${toolCallArguments(call.arguments)}\n`).join('')}\n`;
}

function toolCallArguments(args: unknown): string {
  if (!args || typeof args !== 'object' || Array.isArray(args) || Object.keys(args).length === 0) return `    Arguments: ${inlineCode(pythonJsonDumps(args))}`;
  return Object.entries(args as Record<string, unknown>)
    .map(([key, value]) => (typeof value === 'string' ? `    ${key}:\n${fencedBlock(value)}` : `    ${key}: ${inlineCode(pythonJsonDumps(value))}`))
    .join('\n');
}

/** A fenced code block indented to nest in a list item, with a fence longer than any run of backticks inside. */
function fencedBlock(value: string): string {
  let fence = '```';
  while (value.includes(fence)) fence += '`';
  return indent(`${fence}\n${value}\n${fence}`, '    ');
}

function inlineCode(value: string): string {
  let delimiter = '`';
  while (value.includes(delimiter)) delimiter += '`';
  return value.startsWith('`') || value.endsWith('`') ? `${delimiter} ${value} ${delimiter}` : `${delimiter}${value}${delimiter}`;
}

/** Python's textwrap.indent: the prefix on every line that is not blank. */
function indent(text: string, prefix: string): string {
  return text
    .split(/(?<=\n)/)
    .map((line) => (line.trim() ? prefix + line : line))
    .join('');
}
