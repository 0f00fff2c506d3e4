import { access } from 'node:fs/promises';
import { TemplateError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { TemplateStore } from './store.js';
import { checkTemplate, templateFields, type TemplateFields } from './template.js';
import { stringifyYaml } from './yaml.js';

/** A template that was saved. */
export interface SavedTemplate {
  /** The file written. */
  readonly path: string;
  /** A bundled template of the same name, which the new one now hides. */
  readonly hidesBundled: boolean;
}

/**
 * Writes a template to the user's templates folder, atomically. Refuses to replace an existing
 * template unless `force`; checks the fields first, so nothing unusable is written.
 */
export async function saveTemplate(store: TemplateStore, name: string, fields: TemplateFields, { force = false }: { force?: boolean } = {}): Promise<SavedTemplate> {
  const path = store.userPath(name);
  const data = templateFields(fields);
  if (Object.keys(data).length === 0) {
    throw new UsageError(`Nothing to save as template '${name}': give a prompt, a system prompt (-s), a model (-m) or options (-o).`);
  }
  checkTemplate(data, { label: `Template '${name}'`, path, fix: 'nothing was saved' });
  if (!force && (await exists(path))) {
    throw new TemplateError(`Template '${name}' already exists (${path}). Add --force to replace it, or pick another name.`);
  }
  const existing = await store.find(name);
  await writeFileAtomic(path, await stringifyYaml(data));
  return { path, hidesBundled: existing?.source === 'bundled' };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
