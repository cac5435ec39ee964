import fc from 'fast-check';
import t from 'tap';
import { v5 as uuidv5 } from 'uuid';
import { uuidV5 } from '../../src/domain/uuid-v5.js';

const NAMESPACES = ['4f0e6c9a-3b1d-5e2f-9a47-8c6d2b1e0f35', '6A1D4E8B-2C7F-5B39-A0E4-93D8F1C2B7A5', '00000000-0000-0000-0000-000000000000'];

/** The package's answer or its error's class: what uuidV5 must give. */
const outcome = (f: () => string) => {
  try {
    return f();
  } catch (error) {
    return error instanceof Error ? error.constructor : error;
  }
};

t.test('uuidV5 gives what the uuid package gives, for any name, refusals included', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...NAMESPACES), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (namespace, name) => {
      t.same(
        outcome(() => uuidV5(name, namespace)),
        outcome(() => uuidv5(name, namespace)),
      );
    }),
    { numRuns: 3000 },
  );
  for (const name of ['', 'repair/BX-1', '投诉/TS-2#0', 'a\uD800b', '😀']) {
    for (const namespace of NAMESPACES)
      t.same(
        outcome(() => uuidV5(name, namespace)),
        outcome(() => uuidv5(name, namespace)),
        `${name} in ${namespace}`,
      );
  }
  t.same(
    outcome(() => uuidV5('x', 'not-a-uuid')),
    outcome(() => uuidv5('x', 'not-a-uuid')),
    'a namespace that is no UUID is refused as the package refuses it',
  );
});
