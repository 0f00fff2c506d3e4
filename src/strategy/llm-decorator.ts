import { ContractError } from './contract.js';
import { implementMember, markMember, parameterNames, type MemberContract, type MemberKind } from './member.js';

/** An async method, as `@llm` members are declared: a model's answer takes time. Any `this`. */
type AsyncMethod = (this: any, ...args: any[]) => Promise<unknown>;

/** The decorator `@llm(contract)` returns: for methods, static methods and getters. */
export interface LlmMemberDecorator {
  <M extends AsyncMethod>(value: M, context: ClassMethodDecoratorContext<any, M>): M;
  <T extends Promise<unknown>>(value: (this: any) => T, context: ClassGetterDecoratorContext<any, T>): (this: unknown) => T;
}

/**
 * Declares a member a model implements, with its contract: a method, static method or getter
 * that returns a Promise (its body is never run; `throw new NotImplementedError()` says so).
 * A standard ECMAScript decorator (TypeScript 5, no `experimentalDecorators`). `llmStrategy` on
 * the class implements it with the class's model; without it, the member uses the contract's
 * model or the default model.
 *
 *   class Customer {
 *     birthdate = '1990-04-01';
 *     @llm({ description: 'Age in whole years today', output: { type: 'integer' } })
 *     get age(): Promise<number> { throw new NotImplementedError(); }
 *   }
 */
export function llm(contract: MemberContract): LlmMemberDecorator {
  return ((value: AsyncMethod, context: ClassMethodDecoratorContext | ClassGetterDecoratorContext) => {
    if (context === undefined || typeof context !== 'object' || (context.kind !== 'method' && context.kind !== 'getter')) {
      const where = context && typeof context === 'object' ? `a ${(context as { kind: string }).kind}` : 'this';
      throw new ContractError(`@llm goes on a method, a static method or a getter, not on ${where}`);
    }
    if (typeof context.name === 'symbol') throw new ContractError('@llm members need a string name (not a symbol): the name is in the prompt');
    if (context.private) throw new ContractError(`@llm cannot implement the private member #${context.name.slice(1)}: make it a normal member`);
    const key = context.name;
    const kind: MemberKind = context.static ? 'static' : context.kind === 'getter' ? 'getter' : 'method';
    // Check the contract now, while the class is defined, not at the first call.
    parameterNames(`@llm member ${key}`, kind, contract, value.length);
    // Without llmStrategy, the class is known only from the call: one implementation per class name.
    const byOwner = new Map<string, (this: unknown, ...args: unknown[]) => Promise<unknown>>();
    const standalone = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const owner = ownerName(this, kind);
      let implementation = byOwner.get(owner);
      if (!implementation) byOwner.set(owner, (implementation = implementMember(owner, key, kind, contract, {}, value.length)));
      return implementation.apply(this, args);
    };
    Object.defineProperty(standalone, 'name', { value: key });
    markMember(standalone, { contract, parameterCount: value.length, kind });
    return standalone;
  }) as LlmMemberDecorator;
}

function ownerName(self: unknown, kind: MemberKind): string {
  const owner = kind === 'static' ? self : (self as { constructor?: unknown } | undefined)?.constructor;
  return (typeof owner === 'function' && owner.name) || 'anonymous';
}
