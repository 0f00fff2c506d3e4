import { condenseJson, CONDENSE_MIN_LENGTH, responseReplacements, uncondenseJson } from '../../../default-plugins/sqlite-logger/condense-json.js';

const fox = 'The quick brown fox jumps over the lazy dog, and then over the sleepy cat too.';
const dog = 'The lazy dog did not move, not even when the quick brown fox jumped over it twice.';

describe('condense-json (the Python llm condense-json format)', () => {
  it('swaps whole strings for {"$": id} and parts of strings for {"$r": [...]}', () => {
    const condensed = condenseJson({ a: fox, b: [`Before: ${fox} After`, 'other'], n: 1, t: true, z: null }, { '1': fox });
    expect(condensed).toEqual({ a: { $: '1' }, b: [{ $r: ['Before: ', { $: '1' }, ' After'] }, 'other'], n: 1, t: true, z: null });
  });

  it('prefers the longest match where texts overlap, whatever their order', () => {
    const short = fox.slice(0, CONDENSE_MIN_LENGTH);
    expect(condenseJson(fox, { s: short, l: fox })).toEqual({ $: 'l' });
    expect(condenseJson(`${short}|${fox}`, { l: fox, s: short })).toEqual({ $r: [{ $: 's' }, '|', { $: 'l' }] });
  });

  it('leaves texts shorter than a marker is worth alone, and escapes marker-shaped objects', () => {
    expect(condenseJson({ text: 'hi' }, { r: 'hi' })).toEqual({ text: 'hi' });
    expect(condenseJson({ a: { $: 'x' }, b: { $r: 1 }, c: { $raw: 2 }, d: { $: 1, other: 2 } }, {})).toEqual({
      a: { $raw: { $: 'x' } },
      b: { $raw: { $r: 1 } },
      c: { $raw: { $raw: 2 } },
      d: { $: 1, other: 2 },
    });
  });

  it('round-trips exactly, for several texts at once', () => {
    const original = { id: 'x', content: fox, nested: { list: [dog, `${fox}${dog}`, { $: 'kept' }, { $raw: { $: 'twice' } }] }, empty: '' };
    const replacements = { ...responseReplacements('01abc', fox), 'r:other': dog };
    const condensed = condenseJson(original, replacements);
    expect(JSON.stringify(condensed).length).toBeLessThan(JSON.stringify(original).length / 2);
    expect(uncondenseJson(JSON.parse(JSON.stringify(condensed)), replacements)).toEqual(original);
  });

  it('reads what the Python llm wrote: markers of texts it knows, others left as they are', () => {
    const python = { content: { $: 'r:01abc' }, prompt: { $r: ['see ', { $: 'f12' }] }, safe: { $raw: { $: 'x' } } };
    expect(uncondenseJson(python, responseReplacements('01abc', 'hi'))).toEqual({ content: 'hi', prompt: { $r: ['see ', { $: 'f12' }] }, safe: { $: 'x' } });
    // A row logged before condensing reads as it always did.
    expect(uncondenseJson({ content: fox }, responseReplacements('01abc', fox))).toEqual({ content: fox });
  });
});
