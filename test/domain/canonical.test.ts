import fc from 'fast-check';
import t from 'tap';
import { canonicalJson, canonicalJsonByDefinition, contentHash } from '../../src/domain/canonical.js';

const same = (value: unknown) => {
  let expected: unknown;
  try {
    expected = canonicalJsonByDefinition(value);
  } catch (error) {
    expected = error instanceof Error ? error.constructor : error;
  }
  let actual: unknown;
  try {
    actual = canonicalJson(value);
  } catch (error) {
    actual = error instanceof Error ? error.constructor : error;
  }
  return actual === expected;
};

t.test('canonicalJson writes exactly what its definition (sorted copies through JSON.stringify) writes', async (t) => {
  fc.assert(fc.property(fc.jsonValue(), same), { numRuns: 2000 });
  fc.assert(
    fc.property(
      fc.anything({
        withBigInt: true,
        withDate: true,
        withMap: true,
        withNullPrototype: true,
        withObjectString: true,
        withSparseArray: true,
        withBoxedValues: true,
        withTypedArray: true,
        withUnicodeString: true,
        withSet: true,
      }),
      same,
    ),
    { numRuns: 2000 },
  );
  // Every UTF-16 code unit in strings: quotes, backslashes, control characters, lone surrogates.
  const anyText = fc.string({ unit: 'binary' });
  fc.assert(fc.property(fc.dictionary(anyText, fc.oneof(anyText, fc.array(anyText))), same), { numRuns: 2000 });
  const awkward = [
    { b: 1, a: { d: [1, { z: null, y: undefined }], c: 'é' }, '': 0 },
    { 10: 'ten', 9: 'nine', a: 1, '01': 'x' },
    { toJSON: () => 'replaced', a: 1 },
    [undefined, () => 1, Symbol('s'), NaN, -0, Infinity],
    { date: new Date(0), instant: new Date(86_400_000) },
    Object.assign(Object.create(null) as object, { b: 2, a: 1 }),
    { a: '\u2028\ud800"\\' },
    { 'k\u0000': 'tab\there', '\u001f': '\udfff\ud800', quote: '"', é: '\u007f\u2029' },
    undefined,
    'text',
    12.5,
    true,
    null,
  ];
  awkward.forEach((value, i) => {
    t.ok(same(value), `awkward value #${i}`);
  });
  t.equal(canonicalJson({ b: [2, { y: 1, x: 2 }], a: 'z' }), '{"a":"z","b":[2,{"x":2,"y":1}]}');
  t.equal(contentHash({ b: 1, a: 2 }), contentHash({ a: 2, b: 1 }));
});
