import { distance } from 'fastest-levenshtein';
import { PluginConflictError } from '../errors.js';
import type { Model } from './model.js';

/** A registered model with the plugin that registered it. */
export interface ModelEntry {
  readonly model: Model;
  /** The model's own aliases plus those given at registration. */
  readonly aliases: readonly string[];
  /** Name of the plugin that registered it. */
  readonly plugin: string;
}

/** The models plugins registered, by id and alias. Rejects an id or alias claimed twice. */
export class ModelRegistry {
  private readonly byId = new Map<string, ModelEntry>();
  private readonly byAlias = new Map<string, ModelEntry>();

  /** Adds a model; a duplicate id or alias is an error naming both plugins. */
  register(model: Model, extraAliases: readonly string[], plugin: string): ModelEntry {
    const methods = ['execute', 'prompt', 'conversation', 'validateOptions'] as const;
    if (typeof model?.id !== 'string' || model.id === '' || methods.some((m) => typeof model[m] !== 'function')) {
      throw new PluginConflictError(`plugin ${plugin} registered something that is not a model: extend Model from 'llm-host' and give it an id`);
    }
    const taken = this.find(model.id);
    if (taken) throw conflict(`model id '${model.id}'`, taken.plugin, plugin);
    const aliases = [...new Set([...(model.aliases ?? []), ...extraAliases])].filter((a) => a !== model.id);
    for (const alias of aliases) {
      const owner = this.find(alias);
      if (owner) throw conflict(`alias '${alias}'`, owner.plugin, plugin);
    }
    const entry: ModelEntry = Object.freeze({ model, aliases: Object.freeze(aliases), plugin });
    this.byId.set(model.id, entry);
    for (const alias of aliases) this.byAlias.set(alias, entry);
    return entry;
  }

  /** The entry for an id or alias (ids win). */
  find(idOrAlias: string): ModelEntry | undefined {
    return this.byId.get(idOrAlias) ?? this.byAlias.get(idOrAlias);
  }

  /** Every entry, in registration order. */
  list(): ModelEntry[] {
    return [...this.byId.values()];
  }

  /** Ids and aliases close to a mistyped name, best first (at most three). */
  suggest(name: string): string[] {
    const wanted = name.toLowerCase();
    const limit = Math.max(2, Math.floor(wanted.length / 3));
    return [...this.byId.keys(), ...this.byAlias.keys()]
      .map((candidate) => {
        const lower = candidate.toLowerCase();
        return { candidate, score: lower.startsWith(wanted) ? 0 : distance(wanted, lower) };
      })
      .filter(({ score }) => score <= limit)
      .sort((a, b) => a.score - b.score)
      .slice(0, 3)
      .map(({ candidate }) => candidate);
  }
}

function conflict(what: string, first: string, second: string): PluginConflictError {
  const who = first === second ? `plugin ${first} twice` : `both plugin ${first} and plugin ${second}`;
  return new PluginConflictError(`${what} is registered by ${who}; uninstall or disable one of them (see 'llm plugins').`);
}
