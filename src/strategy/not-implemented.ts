/**
 * Thrown by a member that has no code of its own: `llmStrategy` finds methods, static methods and
 * getters whose whole body is `throw new NotImplementedError()` and has a model implement them.
 */
export class NotImplementedError extends Error {
  constructor(message = 'Not implemented: decorate the class with llmStrategy() to have a model implement this member') {
    super(message);
    this.name = 'NotImplementedError';
  }
}

// Whitespace and comments between tokens (tsc keeps comments; esbuild drops them).
const GAP = String.raw`(?:\s|//[^\n]*(?:\n|$)|/\*[\s\S]*?\*/)*`;
// One string literal without substitutions, or nothing: `new NotImplementedError('not yet')`.
const MESSAGE = String.raw`(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\x60(?:[^\x60\\$]|\\.|\$(?!\{))*\x60)?`;
// The class, maybe qualified and maybe renamed with a number: what tsc emits for CommonJS
// (`index_js_1.NotImplementedError`) and esbuild for a bundle where the name is taken
// (`NotImplementedError2`).
const CLASS = String.raw`(?:[\w$]+${GAP}\.${GAP})*NotImplementedError\d*`;
let bodyOnlyThrows: RegExp | undefined;
const BODY_ONLY_THROWS = () =>
  (bodyOnlyThrows ??= new RegExp(String.raw`\)${GAP}\{${GAP}throw${GAP}new${GAP}${CLASS}${GAP}(?:\(${GAP}${MESSAGE}${GAP}\))?${GAP};?${GAP}\}\s*$`));

/**
 * Whether a function's whole body only throws NotImplementedError, read from its source text
 * (`Function.prototype.toString()`), which keeps the body as written through tsc, ts-jest and
 * esbuild (not through a minifier that renames classes: declare such members with `@llm`).
 */
export function onlyThrowsNotImplemented(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return false;
  }
  // Native and bound functions have no body to read; arrow functions with an expression body
  // cannot throw.
  if (source.endsWith('{ [native code] }')) return false;
  return BODY_ONLY_THROWS().test(source);
}
