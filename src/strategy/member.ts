import type { JsonSchema } from '../json-schema.js';
import type { Model } from '../models/model.js';
import type { ResponseInit } from '../models/response.js';
import { ContractError, type SchemaDefinitions } from './contract.js';
import { createLlmFunction, type LlmFunctionExample } from './llm-function.js';
import type { LlmFunctionHyperparameters } from './prompt-template.js';

/**
 * The contract of a class member a model implements. Its parameters are the `properties` of the
 * `input` object schema, in order: `findCustomerKey(query)` has `input: { type: 'object',
 * properties: { query: { type: 'string' } } }`. Getters and members without parameters omit it.
 */
export interface MemberContract {
  /** What the member does, in words. */
  readonly description: string;
  /** An object schema whose properties, in order, are the member's parameters. */
  readonly input?: JsonSchema | undefined;
  /** JSON Schema of what it resolves to. */
  readonly output: JsonSchema;
  /** Inputs (parameters by name) and the outputs they should give. */
  readonly examples?: readonly LlmFunctionExample<Record<string, unknown>, unknown>[] | undefined;
  readonly defs?: SchemaDefinitions | undefined;
  /** A model for this member, over the class's. */
  readonly model?: Model | string | undefined;
  readonly hyperparameters?: Partial<LlmFunctionHyperparameters> | undefined;
  readonly system?: string | undefined;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
}

/** Contracts by member name; `static name` for a static member whose name an instance member shares. */
export type MemberContracts = Readonly<Record<string, MemberContract>>;

/** What a member is. */
export type MemberKind = 'method' | 'static' | 'getter';

/** What a class's members share unless their contract says otherwise (from `llmStrategy`). */
export interface MemberDefaults {
  readonly model?: Model | string | undefined;
  readonly system?: string | undefined;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  readonly key?: string | undefined;
  readonly log?: ResponseInit['log'];
  readonly cache?: ResponseInit['cache'];
}

/** Marks functions that stand for a member a model implements, with its contract. */
const MEMBER = /* @__PURE__ */ Symbol.for('llm.strategyMember');

/** What a marked function carries. */
export interface MemberMark {
  readonly contract: MemberContract;
  /** How many parameters the member was declared with. */
  readonly parameterCount: number;
  /** What the member is (a method needs the object it is called on). */
  readonly kind?: MemberKind | undefined;
  /** Set on `member.bind(obj)`: the function carries its object, so it can be passed around alone (as a tool). */
  readonly bound?: boolean | undefined;
}

/**
 * Marks `fn` as a member a model implements. Its `bind` keeps the mark, so `obj.method.bind(obj)`
 * is still known as a member (and can be passed as a tool that runs with its `this`).
 */
export function markMember(fn: object, mark: MemberMark): void {
  Object.defineProperty(fn, MEMBER, { value: mark, configurable: true, enumerable: false });
  Object.defineProperty(fn, 'bind', {
    value: function bindMember(this: (...args: unknown[]) => unknown, thisArg: unknown, ...args: unknown[]) {
      const bound = Function.prototype.bind.call(this, thisArg, ...args) as (...args: unknown[]) => unknown;
      // Bound arguments would shift the parameters away from the contract's names: no longer a member.
      if (args.length === 0) markMember(bound, { ...mark, bound: true });
      return bound;
    },
    configurable: true,
    writable: true,
    enumerable: false,
  });
}

/** The mark of a function `@llm` or `llmStrategy` made, if it is one. */
export function memberMark(fn: unknown): MemberMark | undefined {
  return typeof fn === 'function' ? ((fn as unknown as Record<symbol, MemberMark | undefined>)[MEMBER] ?? undefined) : undefined;
}

const NO_INPUT: JsonSchema = /* @__PURE__ */ Object.freeze({ type: 'object', properties: {}, additionalProperties: false });

/**
 * The member's parameter names, from its contract; a ContractError (naming the member) for a
 * contract that does not fit the member.
 */
export function parameterNames(member: string, kind: MemberKind, contract: MemberContract, parameterCount: number): string[] {
  if (contract === null || typeof contract !== 'object') throw new ContractError(`The contract of ${member} must be an object: { description, input, output }`);
  if (typeof contract.description !== 'string' || !contract.description.trim()) throw new ContractError(`The contract of ${member} needs a description: what it does, in words`);
  if (contract.output === undefined) throw new ContractError(`The contract of ${member} needs an output schema (JSON Schema)`);
  if (contract.input === undefined) {
    if (parameterCount > 0) throw new ContractError(`${member} takes ${plural(parameterCount, 'parameter')} but its contract has no input schema: give one whose properties are the parameters, in order`);
    return [];
  }
  const properties = (contract.input as { properties?: unknown }).properties;
  if (contract.input.type !== 'object' || properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
    throw new ContractError(`The input schema of ${member} must be an object schema ({ type: 'object', properties }) whose properties are its parameters, in order`);
  }
  const names = Object.keys(properties);
  if (kind === 'getter' && names.length > 0) throw new ContractError(`${member} is a getter: it takes no arguments, so its contract has no input properties`);
  if (parameterCount > names.length) {
    throw new ContractError(`${member} takes ${plural(parameterCount, 'parameter')} but its input schema has ${plural(names.length, 'property', 'properties')}${names.length ? ` (${names.join(', ')})` : ''}`);
  }
  return names;
}

/**
 * The code of a member a model implements: it maps the arguments to the input by parameter name
 * and calls an LLM function named `Owner.member`; methods and getters pass the object they are
 * called on (its JSON: own data fields, or what its `toJSON` returns) as context.
 */
export function implementMember(
  owner: string,
  key: string,
  kind: MemberKind,
  contract: MemberContract,
  defaults: MemberDefaults,
  parameterCount: number,
): (this: unknown, ...args: unknown[]) => Promise<unknown> {
  const name = `${owner}.${key}`;
  const names = parameterNames(name, kind, contract, parameterCount);
  const fn = createLlmFunction<Record<string, unknown>, unknown>(
    {
      name,
      description: contract.description,
      input: contract.input ?? NO_INPUT,
      output: contract.output,
      examples: contract.examples,
      defs: contract.defs,
      model: contract.model ?? defaults.model,
      hyperparameters: contract.hyperparameters,
      system: contract.system ?? defaults.system,
      options: contract.options ?? defaults.options,
      key: defaults.key,
      log: defaults.log,
      cache: defaults.cache,
    },
    {
      kind,
      contextLabel:
        kind === 'getter' ? 'The object the getter is read on (`this`), as JSON:' : 'The object the method is called on (`this`), as JSON:',
    },
  );
  const implementation = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    if (args.length > names.length && args.slice(names.length).some((arg) => arg !== undefined)) {
      throw new ContractError(`${name} takes ${plural(names.length, 'argument')}${names.length ? ` (${names.join(', ')})` : ''}; it was given ${args.length}`);
    }
    const input: Record<string, unknown> = {};
    names.forEach((parameter, index) => {
      if (args[index] !== undefined) input[parameter] = args[index];
    });
    return fn(input, kind === 'static' ? {} : { context: this });
  };
  Object.defineProperty(implementation, 'name', { value: key });
  markMember(implementation, { contract, parameterCount, kind });
  return implementation;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
