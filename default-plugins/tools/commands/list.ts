import { loadFunctions, type JsonSchema, type Tool } from 'llm-host';
import { Command, Flags } from 'llm-host/command';

/** One tool as `llm tools --json` shows it (the Python llm's fields). */
interface ToolSummary {
  name: string;
  description: string | null;
  arguments: JsonSchema;
  plugin?: string | null;
}

export default class ToolsList extends Command {
  static override summary = 'List the tools models can call: those plugins register, with their argument schemas.';

  static override description = `A tool runs only when you name it: llm -T NAME "prompt". A toolbox (a set of tools sharing state)
is named as Name, or with its configuration as Name({"key": "value"}); its tools are Name_method.
Tools run code with your rights: name only tools you trust.`;

  static override examples = ['<%= config.bin %> tools', '<%= config.bin %> tools --json', '<%= config.bin %> tools --functions tools.ts'];

  static override flags = {
    json: Flags.boolean({ summary: 'Output the tools and toolboxes as JSON.' }),
    functions: Flags.string({ summary: 'Also list the functions in this file or code (as --functions does for a prompt).', multiple: true, helpValue: 'FILE|CODE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ToolsList);
    const llm = await this.llm();
    const entries = llm.tools().list();
    const tools: ToolSummary[] = [];
    const toolboxes: { name: string; plugin: string; description: string | null; tools: ToolSummary[] }[] = [];
    for (const entry of entries) {
      if (entry.kind === 'tool') {
        tools.push({ ...summary(entry.tool), plugin: entry.plugin });
        continue;
      }
      const methods = Object.entries(entry.toolbox.methods ?? {}).map(([method, spec]) => ({
        name: `${entry.name}_${method}`,
        description: spec.description ?? null,
        arguments: spec.inputSchema ?? { type: 'object', properties: {} },
      }));
      toolboxes.push({ name: entry.name, plugin: entry.plugin, description: entry.toolbox.description ?? null, tools: methods });
    }
    for (const code of flags.functions ?? []) tools.push(...(await loadFunctions(code, llm.warn)).map((tool) => ({ ...summary(tool), plugin: null })));
    tools.sort((a, b) => a.name.localeCompare(b.name));
    toolboxes.sort((a, b) => a.name.localeCompare(b.name));
    if (flags.json) {
      this.log(JSON.stringify({ tools, toolboxes }, null, 2));
      return;
    }
    if (tools.length === 0 && toolboxes.length === 0) {
      this.log('No tools: plugins register them (see the README, "Tools").');
      return;
    }
    const out: string[] = [];
    for (const tool of tools) {
      out.push(`${tool.name}${signature(tool.arguments)}${tool.plugin ? ` (plugin: ${tool.plugin})` : ''}\n`);
      if (tool.description) out.push(`${indent(tool.description.trim(), '  ')}\n`);
    }
    for (const toolbox of toolboxes) {
      out.push(`${toolbox.name} (plugin: ${toolbox.plugin}):\n`);
      if (toolbox.description) out.push(`${indent(toolbox.description.trim(), '  ')}\n`);
      for (const tool of toolbox.tools) {
        out.push(`  ${tool.name}${signature(tool.arguments)}`);
        if (tool.description) out.push(indent(tool.description.trim(), '    '));
        out.push('');
      }
    }
    this.log(out.join('\n').trimEnd());
  }
}

function summary(tool: Tool): ToolSummary {
  return { name: tool.name, description: tool.description ?? null, arguments: tool.inputSchema };
}

/** `(city: string, days?: integer)`, from the schema's properties. */
function signature(schema: JsonSchema): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const parts = Object.entries(properties).map(([name, property]) => `${name}${required.has(name) ? '' : '?'}: ${[property.type ?? 'any'].flat().join(' | ')}`);
  return `(${parts.join(', ')})`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
