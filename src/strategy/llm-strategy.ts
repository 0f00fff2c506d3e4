import type { Model } from '../models/model.js';
import type { ResponseInit } from '../models/response.js';
import { ContractError } from './contract.js';
import { implementMember, memberMark, type MemberContract, type MemberContracts, type MemberDefaults, type MemberKind } from './member.js';
import { onlyThrowsNotImplemented } from './not-implemented.js';

/** How `llmStrategy` implements a class, besides the model. */
export interface StrategyOptions {
  /**
   * Contracts for members that only throw NotImplementedError, by member name (`static name` for a
   * static member whose name an instance member shares). They add to, and win over, the class's
   * own `static contracts`; a member declared with `@llm` brings its own.
   */
  readonly contracts?: MemberContracts | undefined;
  /** A system prompt for every member. */
  readonly system?: string | undefined;
  /** Model options for every member (a contract's own options win). */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /** An API key, or the name of a stored key. */
  readonly key?: string | undefined;
  /** `false` logs neither responses nor traces; `{ database }` logs to another file. */
  readonly log?: ResponseInit['log'];
  /** Answer every member's requests from the log when it has the same request (see `llmFunction`'s `cache`). */
  readonly cache?: ResponseInit['cache'];
  /** Shows a warning, e.g. for a class with nothing to implement (default: stderr). */
  readonly warn?: ((message: string) => void) | undefined;
}

/** Anything `llmStrategy` can implement: a class. */
type AnyClass = abstract new (...args: never[]) => unknown;

/** `llmStrategy(model)`: call it with a class, or put it on one as a decorator. */
export type StrategyDecorator = <C extends AnyClass>(target: C, context?: ClassDecoratorContext<C>) => C;

/**
 * Has a model implement every unimplemented member of a class: instance methods, static methods
 * and getters declared with `@llm(contract)`, or whose whole body is `throw new
 * NotImplementedError()` and whose contract is in the class's `static contracts` (or
 * `options.contracts`). Inherited members count too: they are implemented on this class, the
 * parent is left as it is. Implemented members are left untouched. Methods and getters show the
 * model the object they are called on (its JSON). Each member is an `llmFunction` named
 * `Class.member`. `model`: a Model, an id or alias, or none for the default model.
 *
 * Use it as a standard decorator (`@llmStrategy('gpt-4o-mini') class Db {...}`) or call it
 * (`llmStrategy(model)(Db)`): either way it changes the class itself and returns it.
 */
export function llmStrategy(model?: Model | string, options: StrategyOptions = {}): StrategyDecorator {
  return <C extends AnyClass>(target: C, context?: ClassDecoratorContext<C>): C => {
    if (typeof target !== 'function') throw new ContractError('llmStrategy(model) applies to a class: llmStrategy(model)(MyClass), or @llmStrategy(model) on it');
    if (context !== undefined) {
      if (context.kind !== 'class') throw new ContractError(`@llmStrategy goes on a class, not on a ${(context as { kind: string }).kind}`);
      // Static fields (such as `static contracts`) exist only once the class is fully defined.
      context.addInitializer(function (this: C) {
        implementClass(this, model, options);
      });
      return target;
    }
    implementClass(target, model, options);
    return target;
  };
}

interface Unimplemented {
  readonly kind: MemberKind;
  /** Whether it is a getter (a static getter has kind `static`). */
  readonly accessor: boolean;
  readonly fn: (...args: unknown[]) => unknown;
  readonly descriptor: PropertyDescriptor;
}

function implementClass(target: AnyClass, model: Model | string | undefined, options: StrategyOptions): void {
  const className = target.name || 'anonymous class';
  const own = (target as unknown as { contracts?: unknown }).contracts;
  const contracts: Record<string, MemberContract> = { ...(own && typeof own === 'object' ? (own as MemberContracts) : {}), ...options.contracts };
  const defaults: MemberDefaults = { model, system: options.system, options: options.options, key: options.key, log: options.log, cache: options.cache };
  const matched = new Set<string>();
  let implemented = 0;

  const implementSide = (holder: object, stop: object, isStatic: boolean) => {
    const seen = new Set<string>(isStatic ? ['length', 'name', 'prototype'] : ['constructor']);
    for (let level: object | null = holder; level && level !== stop; level = Object.getPrototypeOf(level)) {
      for (const key of Object.getOwnPropertyNames(level)) {
        if (seen.has(key)) continue;
        seen.add(key); // the nearest definition is the one the class uses
        const member = unimplemented(Object.getOwnPropertyDescriptor(level, key)!, isStatic);
        if (!member) continue;
        const contractKey = isStatic && Object.hasOwn(contracts, `static ${key}`) ? `static ${key}` : key;
        if (Object.hasOwn(contracts, contractKey)) matched.add(contractKey);
        const contract = memberMark(member.fn)?.contract ?? (Object.hasOwn(contracts, contractKey) ? contracts[contractKey] : undefined);
        const label = `${className}.${key}`;
        if (!contract) {
          throw new ContractError(
            `${label} only throws NotImplementedError but has no contract: declare it with @llm({ description, input, output }), or add '${key}' to ${className}.contracts`,
          );
        }
        const parameterCount = memberMark(member.fn)?.parameterCount ?? member.fn.length;
        const implementation = implementMember(className, key, member.kind, contract, defaults, parameterCount);
        const { enumerable } = member.descriptor;
        Object.defineProperty(
          holder,
          key,
          member.accessor
            ? { get: implementation, set: member.descriptor.set, enumerable, configurable: true }
            : { value: implementation, writable: true, enumerable, configurable: true },
        );
        implemented++;
      }
    }
  };
  implementSide(target.prototype as object, Object.prototype, false);
  implementSide(target, Function.prototype, true);

  const warn = options.warn ?? ((message: string) => process.stderr.write(`Warning: ${message}\n`));
  if (implemented === 0) {
    warn(
      `llmStrategy: class ${className} has no unimplemented members, so a model implements nothing. Declare members with @llm({ description, input, output }), or give them a body that only throws NotImplementedError and a contract.`,
    );
  }
  for (const key of Object.keys(contracts)) {
    if (!matched.has(key)) warn(`llmStrategy: ${className} has a contract for '${key}', but no unimplemented member of that name`);
  }
}

/** The member, if a model is to implement it: declared with `@llm`, or only throwing NotImplementedError. */
function unimplemented(descriptor: PropertyDescriptor, isStatic: boolean): Unimplemented | undefined {
  const isMarked = (fn: unknown) => memberMark(fn) !== undefined || onlyThrowsNotImplemented(fn);
  if (descriptor.get && isMarked(descriptor.get)) {
    return { kind: isStatic ? 'static' : 'getter', accessor: true, fn: descriptor.get, descriptor };
  }
  if (typeof descriptor.value === 'function' && isMarked(descriptor.value)) {
    return { kind: isStatic ? 'static' : 'method', accessor: false, fn: descriptor.value as (...args: unknown[]) => unknown, descriptor };
  }
  return undefined;
}
