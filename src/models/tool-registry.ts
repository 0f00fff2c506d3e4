import { PluginConflictError, UsageError } from '../errors.js';
import { checkToolName, isToolboxClass, toolboxName, type Tool, type ToolboxClass } from './tool.js';

/** A registered tool or toolbox class, with the plugin that registered it. */
export type ToolEntry =
  | { readonly kind: 'tool'; readonly name: string; readonly tool: Tool; readonly plugin: string }
  | { readonly kind: 'toolbox'; readonly name: string; readonly toolbox: ToolboxClass; readonly plugin: string };

/** The tools and toolboxes plugins registered, by name. Rejects a name claimed twice. */
export class ToolRegistry {
  private readonly byName = new Map<string, ToolEntry>();

  /** Adds a tool or a toolbox class; a duplicate name is an error naming both plugins. */
  register(item: Tool | ToolboxClass, plugin: string): ToolEntry {
    let entry: ToolEntry;
    if (isToolboxClass(item)) {
      const name = toolboxName(item);
      checkToolName(name);
      entry = { kind: 'toolbox', name, toolbox: item, plugin };
    } else if (item && typeof item === 'object' && typeof item.name === 'string' && typeof item.implementation === 'function') {
      checkToolName(item.name);
      entry = { kind: 'tool', name: item.name, tool: { ...item, plugin }, plugin };
    } else {
      throw new PluginConflictError(`plugin ${plugin} registered something that is not a tool: pass defineTool({ name, description, inputSchema, implementation }) or a class extending Toolbox`);
    }
    const taken = this.byName.get(entry.name);
    if (taken) {
      const who = taken.plugin === plugin ? `plugin ${plugin} twice` : `both plugin ${taken.plugin} and plugin ${plugin}`;
      throw new PluginConflictError(`tool '${entry.name}' is registered by ${who}; uninstall or disable one of them (see 'llm plugins').`);
    }
    this.byName.set(entry.name, entry);
    return entry;
  }

  /** The entry for a name. */
  find(name: string): ToolEntry | undefined {
    return this.byName.get(name);
  }

  /** Every entry, in registration order. */
  list(): ToolEntry[] {
    return [...this.byName.values()];
  }

  /**
   * The tools `-T` names: a tool by name, or a toolbox as `Name` or `Name({"key": "value"})` (a
   * JSON object: its configuration). An unknown name is a usage error listing what is available.
   */
  resolve(specs: readonly string[]): Tool[] {
    const tools: Tool[] = [];
    const unknown = specs.filter((spec) => !this.byName.has(nameOf(spec)));
    if (unknown.length > 0) {
      const available = this.list().map((e) => e.name);
      throw new UsageError(
        `Unknown tool${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `'${s}'`).join(', ')}. ${available.length > 0 ? `Available: ${available.join(', ')} (see 'llm tools').` : "No plugin registers tools; 'llm tools' lists them once one does."}`,
      );
    }
    for (const spec of specs) {
      const entry = this.byName.get(nameOf(spec))!;
      if (entry.kind === 'tool') {
        if (spec !== entry.name) throw new UsageError(`-T ${spec}: '${entry.name}' is a tool, not a toolbox, so it takes no configuration. Use -T ${entry.name}.`);
        tools.push(entry.tool);
        continue;
      }
      const instance = new entry.toolbox(configOf(spec, entry.name));
      instance.plugin = entry.plugin;
      tools.push(...instance.tools());
    }
    return tools;
  }
}

function nameOf(spec: string): string {
  const open = spec.indexOf('(');
  return (open === -1 ? spec : spec.slice(0, open)).trim();
}

/** The configuration in `Name({...})`: a JSON object; `Name` or `Name()` is `{}`. */
function configOf(spec: string, name: string): Record<string, unknown> {
  const open = spec.indexOf('(');
  if (open === -1) return {};
  if (!spec.trimEnd().endsWith(')')) throw new UsageError(`-T ${spec}: the configuration must end with ')', as in -T '${name}({"key": "value"})'.`);
  const inside = spec.slice(open + 1, spec.trimEnd().length - 1).trim();
  if (inside === '') return {};
  let config: unknown;
  try {
    config = JSON.parse(inside);
  } catch {
    throw new UsageError(`-T ${spec}: the configuration is not valid JSON. Write it as a JSON object, as in -T '${name}({"key": "value"})'.`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new UsageError(`-T ${spec}: the configuration must be a JSON object, as in -T '${name}({"key": "value"})'.`);
  }
  return config as Record<string, unknown>;
}
