import { diffLines } from 'diff';
import type { BotUsage, ExperimentDetails, PromptUsage } from '../services/queries.js';

/** Reads a prompt version's template text from the log (undefined when the log lacks it). */
export type TemplateLookup = (name: string, hash: string) => string | undefined;

/** One line of a text diff: kept (' '), removed from A ('-') or added in B ('+'). */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** A prompt template or a bot's system prompt that differs between A and B, with its line diff. */
export interface PromptChange {
  readonly kind: 'prompt' | 'system';
  /** The prompt's or the bot's name. */
  readonly name: string;
  /** What the text is in A and in B: a template version's short hash, or the bot's model. */
  readonly from: string;
  readonly to: string;
  readonly lines: readonly DiffLine[];
}

/**
 * The text diffs between A's and B's prompts: each named prompt both used with different
 * template versions (the newest version on each side), and each bot whose system prompt differs.
 */
export function promptChanges(a: ExperimentDetails, b: ExperimentDetails, templates: TemplateLookup): PromptChange[] {
  const changes: PromptChange[] = [];
  for (const [name, versionA] of newestVersions(a.prompts)) {
    const versionB = newestVersions(b.prompts).get(name);
    if (!versionB || versionA.hash === versionB.hash) continue;
    const textA = templates(name, versionA.hash) ?? '';
    const textB = templates(name, versionB.hash) ?? '';
    changes.push({ kind: 'prompt', name, from: versionA.hash.slice(0, 8), to: versionB.hash.slice(0, 8), lines: lineDiff(textA, textB) });
  }
  for (const [name, botA] of botsByName(a.bots)) {
    const botB = botsByName(b.bots).get(name);
    if (!botB || (botA.system ?? '') === (botB.system ?? '')) continue;
    changes.push({ kind: 'system', name, from: botA.model, to: botB.model, lines: lineDiff(botA.system ?? '', botB.system ?? '') });
  }
  return changes;
}

/** A line diff of two texts (jsdiff's `diffLines`), every line of both kept. */
export function lineDiff(a: string, b: string): DiffLine[] {
  const lines: DiffLine[] = [];
  // Both end with a newline, so a last line that only gained one is not shown as changed.
  const ended = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  for (const part of diffLines(ended(a), ended(b))) {
    const op = part.added ? '+' : part.removed ? '-' : ' ';
    const text = part.value.endsWith('\n') ? part.value.slice(0, -1) : part.value;
    for (const line of text.split('\n')) lines.push({ op, text: line });
  }
  return lines;
}

/** Each prompt's newest version (the log lists them oldest first). */
function newestVersions(prompts: readonly PromptUsage[]): Map<string, PromptUsage> {
  const map = new Map<string, PromptUsage>();
  for (const prompt of prompts) map.set(prompt.name, prompt);
  return map;
}

function botsByName(bots: readonly BotUsage[]): Map<string, BotUsage> {
  const map = new Map<string, BotUsage>();
  for (const bot of bots) if (!map.has(bot.name)) map.set(bot.name, bot);
  return map;
}
