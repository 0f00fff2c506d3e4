import { transformSync } from 'esbuild';
import ts from 'typescript';
import { NotImplementedError, onlyThrowsNotImplemented } from '../../../src/strategy/not-implemented.js';

// Which members only throw NotImplementedError, read from their source text as each compiler
// leaves it: ts-jest (this file), tsc to CommonJS, esbuild (plain, and minified whitespace).

const SOURCE = `
import { NotImplementedError } from 'llm-host';
export class Sample {
  plain(query: string): Promise<string[]> { throw new NotImplementedError(); }
  async asyncOne(a: number, b = { x: 1 }): Promise<void> {
    // TODO: nobody writes this; a model does
    throw new NotImplementedError('a model implements this: {see docs}');
  }
  withDefault(options: { deep?: { a: number } } = { deep: { a: 1 } }): Promise<number> { throw new NotImplementedError(\`no\`) }
  static make(n: number): Promise<Sample[]> { /* a model */ throw new NotImplementedError(); }
  get age(): Promise<number> { throw new NotImplementedError(); }
  set age(value: Promise<number>) { void value; }
  implemented(): number { return 1; }
  other(): never { throw new Error('not implemented'); }
  conditional(x: boolean): number { if (x) { throw new NotImplementedError(); } return 1; }
  twoThings(): never { console.log('x'); throw new NotImplementedError(); }
  nested(): () => never { return () => { throw new NotImplementedError(); }; }
  returnsError(): Error { return new NotImplementedError(); }
  arrow = (): never => { throw new NotImplementedError(); };
}
`;

const UNIMPLEMENTED = ['plain', 'asyncOne', 'withDefault', 'static make', 'get age'];
const IMPLEMENTED = ['set age', 'implemented', 'other', 'conditional', 'twoThings', 'nested', 'returnsError', 'arrow'];

/** Every member of the compiled Sample class, by label. */
function members(Sample: new () => object): Record<string, unknown> {
  const proto = Sample.prototype as Record<string, unknown>;
  const age = Object.getOwnPropertyDescriptor(proto, 'age')!;
  return {
    plain: proto.plain,
    asyncOne: proto.asyncOne,
    withDefault: proto.withDefault,
    'static make': (Sample as unknown as Record<string, unknown>).make,
    'get age': age.get,
    'set age': age.set,
    implemented: proto.implemented,
    other: proto.other,
    conditional: proto.conditional,
    twoThings: proto.twoThings,
    nested: proto.nested,
    returnsError: proto.returnsError,
    arrow: (new Sample() as Record<string, unknown>).arrow,
  };
}

/** Runs CommonJS output with `llm` resolving to this NotImplementedError. */
function runCommonJs(code: string): new () => object {
  const module = { exports: {} as Record<string, unknown> };
  const require = (id: string) => {
    if (id !== 'llm-host') throw new Error(`unexpected require ${id}`);
    return { NotImplementedError };
  };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports.Sample as new () => object;
}

function expectDetection(Sample: new () => object): void {
  const found = members(Sample);
  for (const label of UNIMPLEMENTED) expect([label, onlyThrowsNotImplemented(found[label])]).toEqual([label, true]);
  for (const label of IMPLEMENTED) expect([label, onlyThrowsNotImplemented(found[label])]).toEqual([label, false]);
}

describe('onlyThrowsNotImplemented', () => {
  it('reads members compiled by tsc to CommonJS (llm_host_1.NotImplementedError)', () => {
    const { outputText } = ts.transpileModule(SOURCE, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } });
    expect(outputText).toContain('llm_host_1.NotImplementedError');
    expectDetection(runCommonJs(outputText));
  });

  it('reads members compiled by esbuild, also with minified whitespace and syntax', () => {
    for (const minify of [false, true]) {
      const { code } = transformSync(SOURCE, { loader: 'ts', format: 'cjs', target: 'node20.18', minifyWhitespace: minify, minifySyntax: minify });
      expectDetection(runCommonJs(code));
    }
  });

  it('reads members compiled by ts-jest, as tests see them', () => {
    class Local {
      find(_q: string): Promise<string[]> {
        throw new NotImplementedError();
      }
      done(): number {
        return 1;
      }
    }
    expect(onlyThrowsNotImplemented(Local.prototype.find)).toBe(true);
    expect(onlyThrowsNotImplemented(Local.prototype.done)).toBe(false);
  });

  it('accepts the class renamed by a bundle, and nothing that merely looks like it', () => {
    const source = (body: string) => new Function(`return { m(a) { ${body} } }.m;`)();
    expect(onlyThrowsNotImplemented(source('throw new NotImplementedError2();'))).toBe(true);
    expect(onlyThrowsNotImplemented(source('throw new import_llm.NotImplementedError("x");'))).toBe(true);
    expect(onlyThrowsNotImplemented(source('throw new MyNotImplementedError();'))).toBe(false);
    expect(onlyThrowsNotImplemented(source('throw new NotImplementedError(a);'))).toBe(false);
    expect(onlyThrowsNotImplemented(source('throw new NotImplementedError(`${a}`);'))).toBe(false);
    expect(onlyThrowsNotImplemented(Math.max)).toBe(false);
    expect(onlyThrowsNotImplemented((() => 1).bind(null))).toBe(false);
    expect(onlyThrowsNotImplemented('throw new NotImplementedError()')).toBe(false);
  });
});
