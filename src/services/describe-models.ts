import type { JsonSchema } from '../json-schema.js';
import type { ModelEntry } from '../models/registry.js';

/** One model as `llm models --json` prints it. */
export interface ModelSummary {
  id: string;
  aliases: string[];
  plugin: string;
  label: string;
  needsKey: string | null;
  keyEnvVar: string | null;
  canStream: boolean;
  supportsSchema: boolean;
  supportsTools: boolean;
  /** MIME types of the attachments it takes, sorted. */
  attachmentTypes: string[];
  options: JsonSchema;
  isDefault: boolean;
}

/** The data `llm models` shows for each model. */
export function summarizeModels(entries: readonly ModelEntry[], defaultId: string): ModelSummary[] {
  return entries.map(({ model, aliases, plugin }) => ({
    id: model.id,
    aliases: [...aliases],
    plugin,
    label: model.label ?? plugin,
    needsKey: model.needsKey ?? null,
    keyEnvVar: model.keyEnvVar ?? null,
    canStream: model.canStream,
    supportsSchema: model.supportsSchema,
    supportsTools: model.supportsTools ?? false,
    attachmentTypes: [...model.attachmentTypes].sort(),
    options: model.optionsSchema,
    isDefault: model.id === defaultId,
  }));
}

/** `Label: id (aliases: a, b)`, as the Python llm lists models; with `--options`, one line per option. */
export function formatModelLine(model: ModelSummary, withOptions: boolean): string {
  const aliases = model.aliases.length > 0 ? ` (aliases: ${model.aliases.join(', ')})` : '';
  const lines = [`${model.label}: ${model.id}${aliases}`];
  if (withOptions) {
    const properties = (model.options.properties ?? {}) as Record<string, JsonSchema>;
    const names = Object.keys(properties);
    if (names.length > 0) lines.push('  Options:');
    for (const name of names) {
      const property = properties[name]!;
      lines.push(`    ${name}: ${describeType(property)}`);
      if (typeof property.description === 'string') lines.push(`      ${property.description}`);
    }
    if (model.attachmentTypes.length > 0) lines.push('  Attachment types:', `    ${model.attachmentTypes.join(', ')}`);
    const features = [model.canStream && 'streaming', model.supportsSchema && 'schemas', model.supportsTools && 'tools'].filter(Boolean);
    if (features.length > 0) lines.push(`  Features: ${features.join(', ')}`);
    if (model.needsKey) lines.push(`  Keys: key is stored as '${model.needsKey}'${model.keyEnvVar ? `, env var ${model.keyEnvVar}` : ''}`);
  }
  return lines.join('\n');
}

function describeType(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const types = [schema.type ?? 'any'].flat().join(' or ');
  const range = [
    schema.minimum !== undefined && `>= ${String(schema.minimum)}`,
    schema.maximum !== undefined && `<= ${String(schema.maximum)}`,
  ].filter(Boolean);
  return range.length > 0 ? `${types} (${range.join(', ')})` : types;
}
