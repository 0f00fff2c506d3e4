import { messageOf } from '../errors.js';
import type { TemplateSource, TemplateStore } from '../templates/store.js';
import { summarizeTemplate } from '../templates/template.js';

/** One template as `llm templates` lists it. */
export interface TemplateListing {
  readonly name: string;
  /** `user` (your templates folder) or `bundled` (ships with llm). */
  readonly source: TemplateSource;
  readonly path: string;
  /** `system: ... prompt: ...` on one line. */
  readonly summary: string;
}

/**
 * Every usable template, sorted by name, your own hiding bundled ones of the same name. A template
 * that cannot be read is left out with a warning naming it and what is wrong.
 */
export async function listTemplates(store: TemplateStore, warn: (message: string) => void): Promise<TemplateListing[]> {
  const listings: TemplateListing[] = [];
  for (const file of await store.files()) {
    try {
      const template = await store.loadFound(file);
      listings.push({ name: file.name, source: file.source, path: file.path, summary: summarizeTemplate(template) });
    } catch (error) {
      warn(`skipping template '${file.name}': ${messageOf(error)}`);
    }
  }
  return listings;
}
