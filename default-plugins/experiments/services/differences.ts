import type { BotUsage, ExperimentSetup } from './queries.js';

/** What differs between two experiments' setups: prompt template versions, bots' models, system prompts and options. */
export function setupDifferences(a: ExperimentSetup, b: ExperimentSetup): string[] {
  return [...promptDifferences(a, b), ...botDifferences(a.bots, b.bots)];
}

function promptDifferences(a: ExperimentSetup, b: ExperimentSetup): string[] {
  const hashes = (details: ExperimentSetup) => {
    const map = new Map<string, Set<string>>();
    for (const prompt of details.prompts) {
      if (!map.has(prompt.name)) map.set(prompt.name, new Set());
      map.get(prompt.name)!.add(prompt.hash.slice(0, 8));
    }
    return map;
  };
  const inA = hashes(a);
  const inB = hashes(b);
  const out: string[] = [];
  for (const name of [...new Set([...inA.keys(), ...inB.keys()])].sort()) {
    const ha = inA.get(name);
    const hb = inB.get(name);
    if (!ha) out.push(`prompt '${name}' is only used in B`);
    else if (!hb) out.push(`prompt '${name}' is only used in A`);
    else if (!sameSet(ha, hb)) out.push(`prompt '${name}' template: ${[...ha].join(', ')} in A, ${[...hb].join(', ')} in B`);
  }
  return out;
}

function botDifferences(a: readonly BotUsage[], b: readonly BotUsage[]): string[] {
  const out: string[] = [];
  const names = [...new Set([...a.map((bot) => bot.name), ...b.map((bot) => bot.name)])].sort();
  for (const name of names) {
    const ba = a.filter((bot) => bot.name === name);
    const bb = b.filter((bot) => bot.name === name);
    if (ba.length === 0) {
      out.push(`bot '${name}' is only used in B`);
      continue;
    }
    if (bb.length === 0) {
      out.push(`bot '${name}' is only used in A`);
      continue;
    }
    const modelsA = new Set(ba.map((bot) => bot.model));
    const modelsB = new Set(bb.map((bot) => bot.model));
    if (!sameSet(modelsA, modelsB)) out.push(`bot '${name}' model: ${[...modelsA].join(', ')} in A, ${[...modelsB].join(', ')} in B`);
    const systemsA = new Set(ba.map((bot) => bot.system ?? ''));
    const systemsB = new Set(bb.map((bot) => bot.system ?? ''));
    if (!sameSet(systemsA, systemsB)) out.push(`bot '${name}' system prompt differs`);
    const optionsA = ba.map((bot) => bot.options);
    const optionsB = bb.map((bot) => bot.options);
    const keys = [...new Set([...optionsA, ...optionsB].flatMap((o) => Object.keys(o)))].sort();
    for (const key of keys) {
      const va = new Set(optionsA.map((o) => JSON.stringify(o[key] ?? null)));
      const vb = new Set(optionsB.map((o) => JSON.stringify(o[key] ?? null)));
      if (!sameSet(va, vb)) out.push(`bot '${name}' option ${key}: ${[...va].map(unset).join(', ')} in A, ${[...vb].map(unset).join(', ')} in B`);
    }
  }
  return out;
}

function unset(json: string): string {
  return json === 'null' ? '(unset)' : json;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  return a.size === b.size && [...a].every((v) => b.has(v));
}
