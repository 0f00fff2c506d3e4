import { canonicalJson, floatRepr, PythonFloat, pythonJsonDumps } from '../../../default-plugins/sqlite-logger/threads/python-json.js';

// Expected strings are what Python 3.11's json.dumps printed for the same values.

it('writes floats as Python repr does', () => {
  const cases: [number, string][] = [
    [1, '1.0'], [0.1, '0.1'], [1e-5, '1e-05'], [1.5e16, '1.5e+16'], [123456789.125, '123456789.125'], [-0, '-0.0'],
    [1e22, '1e+22'], [2.5e-7, '2.5e-07'], [100, '100.0'], [1e16, '1e+16'], [9999999999999998, '9999999999999998.0'], [0.0001, '0.0001'],
  ];
  for (const [value, expected] of cases) expect(floatRepr(value)).toBe(expected);
  expect(pythonJsonDumps({ a: new PythonFloat(1), b: 1, c: 0.5 })).toBe('{"a": 1.0, "b": 1, "c": 0.5}');
});

it('json.dumps: insertion order, spaced separators, everything outside printable ASCII escaped', () => {
  expect(pythonJsonDumps({ b: 1, a: 'é\u2028\u007f"\\\n', é: [true, null] })).toBe('{"b": 1, "a": "\\u00e9\\u2028\\u007f\\"\\\\\\n", "\\u00e9": [true, null]}');
});

it('canonical_json: keys by code point, compact, non-ASCII as it is', () => {
  expect(canonicalJson({ b: 1, a: 'é\u2028\u007f"\\\n', é: [true, null], '😀': 1, '\uffff': 2 })).toBe('{"a":"é\u2028\u007f\\"\\\\\\n","b":1,"é":[true,null],"\uffff":2,"😀":1}');
});
