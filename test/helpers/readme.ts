import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './run-cli.js';

/** A step of a README section: a file to write (a block captioned **`path`**) or shell commands (a `sh` block). */
export type ReadmeStep = { readonly kind: 'file'; readonly path: string; readonly text: string } | { readonly kind: 'sh'; readonly text: string };

/**
 * The steps of the README section whose heading is `heading` (up to the next heading), in order. Indentation of list items is removed from the blocks, so what a
 * test writes and runs is exactly what a reader copies.
 */
export function readmeSteps(heading: string): ReadmeStep[] {
  const text = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = text.split('\n').findIndex((line) => line.replace(/^#+\s*/, '') === heading && line.startsWith('#'));
  if (start < 0) throw new Error(`README.md has no section '${heading}'`);
  const lines = text.split('\n');
  const steps: ReadmeStep[] = [];
  let caption: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#+\s/.test(line)) break;
    const captioned = /^\s*\*\*`([^`]+)`\*\*\s*$/.exec(line);
    if (captioned) {
      caption = captioned[1];
      continue;
    }
    const fence = /^(\s*)```(\w*)\s*$/.exec(line);
    if (!fence) {
      if (line.trim()) caption = undefined;
      continue;
    }
    const indent = fence[1]!.length;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    const content = body.join('\n') + '\n';
    if (caption) steps.push({ kind: 'file', path: caption, text: content });
    else if (fence[2] === 'sh') steps.push({ kind: 'sh', text: content });
    caption = undefined;
  }
  return steps;
}
