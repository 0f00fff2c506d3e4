import { findInvalidPlaceholder, missingVariables, substitute, variablesOf } from '../../../src/templates/substitute.js';

describe('template variables', () => {
  it('finds $name and ${name} once each, in order, and skips $$', () => {
    expect(variablesOf('Say $input in ${lang}, then $input again for $$5 and $_x1')).toEqual(['input', 'lang', '_x1']);
    expect(variablesOf(undefined)).toEqual([]);
    expect(variablesOf('no variables, $$ only')).toEqual([]);
  });

  it('ends a name at the first character that cannot be in one', () => {
    expect(variablesOf('$a.b $c-d $e1f $ÿ')).toEqual(['a', 'c', 'e1f']);
  });

  it('substitutes values, with $$ as a literal dollar sign', () => {
    expect(substitute('Cost in $$ of $item (${item}s)', { item: 'pelican' })).toBe('Cost in $ of pelican (pelicans)');
    expect(substitute('$a$b', { a: '$b', b: 'x' })).toBe('$bx');
  });

  it('lists missing variables', () => {
    expect(missingVariables('$a $b ${c} $a', { b: '' })).toEqual(['a', 'c']);
  });

  it('finds a $ that starts no variable, with its line and column', () => {
    expect(findInvalidPlaceholder('fine $x and $$')).toBeUndefined();
    expect(findInvalidPlaceholder('costs $5')).toEqual({ line: 1, column: 7 });
    expect(findInvalidPlaceholder('one\ntwo ${ bad }')).toEqual({ line: 2, column: 5 });
    expect(findInvalidPlaceholder('ends with $')).toEqual({ line: 1, column: 11 });
  });

  it('refuses to substitute what the caller should have checked', () => {
    expect(() => substitute('$missing', {})).toThrow('no value for $missing');
    expect(() => substitute('$5', {})).toThrow(/invalid placeholder/);
  });
});
