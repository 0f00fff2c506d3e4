import { distance } from 'fastest-levenshtein';
import { PluginConflictError } from '../errors.js';
import type { Model } from './model.js';

/** What a registry holds: anything with an id and aliases (chat models, embedding models). */
export interface NamedModel {
  readonly id: string;
  readonly aliases?: readonly string[];
}

/** A registered model with the plugin that registered it. */
export interface ModelEntry<M extends NamedModel = Model> {
  readonly model: M;
  /** The model's own aliases plus those given at registration. */
  readonly aliases: readonly string[];
  /** Name of the plugin that registered it. */
  readonly plugin: string;
}

/** How a registry tells a model of its kind: its methods, and what to extend. */
export interface ModelKind {
  readonly methods: readonly string[];
  /** The base class, e.g. `Model`. */
  readonly base: string;
  /** What it is called, with its article: `a model`. */
  readonly noun: string;
}

const CHAT_MODELS: ModelKind = { methods: ['execute', 'prompt', 'conversation', 'validateOptions'], base: 'Model', noun: 'a model' };

/** The models plugins registered, by id and alias. Rejects an id or alias claimed twice. */
export class ModelRegistry<M extends NamedModel = Model> {
  private readonly byId = new Map<string, ModelEntry<M>>();
  private readonly byAlias = new Map<string, ModelEntry<M>>();

  constructor(private readonly kind: ModelKind = CHAT_MODELS) {}

  /** Adds a model; a duplicate id or alias is an error naming both plugins. */
  register(model: M, extraAliases: readonly string[], plugin: string): ModelEntry<M> {
    const record = model as unknown as Record<string, unknown>;
    if (typeof model?.id !== 'string' || model.id === '' || this.kind.methods.some((m) => typeof record[m] !== 'function')) {
      throw new PluginConflictError(`plugin ${plugin} registered something that is not ${this.kind.noun}: extend ${this.kind.base} from 'llm-host' and give it an id`);
    }
    const taken = this.find(model.id);
    if (taken) throw conflict(`model id '${model.id}'`, taken.plugin, plugin);
    const aliases = [...new Set([...(model.aliases ?? []), ...extraAliases])].filter((a) => a !== model.id);
    for (const alias of aliases) {
      const owner = this.find(alias);
      if (owner) throw conflict(`alias '${alias}'`, owner.plugin, plugin);
    }
    const entry: ModelEntry<M> = Object.freeze({ model, aliases: Object.freeze(aliases), plugin });
    this.byId.set(model.id, entry);
    for (const alias of aliases) this.byAlias.set(alias, entry);
    return entry;
  }

  /** The entry for an id or alias (ids win). */
  find(idOrAlias: string): ModelEntry<M> | undefined {
    return this.byId.get(idOrAlias) ?? this.byAlias.get(idOrAlias);
  }

  /** Every entry, in registration order. */
  list(): ModelEntry<M>[] {
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
