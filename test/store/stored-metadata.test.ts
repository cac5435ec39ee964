import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { storedMetadata } from '../../src/store/stored-metadata.js';
import { eventMetadataSchema } from '../../src/domain/events/envelope.js';

const valid = {
  schemaVersion: 1,
  caseType: 'repair',
  caseId: 'r-1',
  propertyId: 'demo',
  actor: { id: 'desk-1', role: 'frontdesk' },
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  causationId: null,
  rulesetVersion: 'sha256:abc',
  recordedAt: '2026-03-02T01:00:00.123Z',
  occurredAt: '2026-03-02T09:00:00+08:00',
  integrity: { previousHash: null, hash: 'h1' },
};

/** Values a field of stored metadata could hold after a bad write or a foreign producer. */
const oddValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    true,
    0,
    -1,
    1.5,
    2,
    '',
    'x',
    'complaint',
    'system',
    [],
    {},
    '2026-02-29T00:00:00Z',
    '2026-03-02T01:00:00',
    '2026-03-02 01:00:00Z',
    '2026-03-02T24:00:00Z',
    '2026-03-02T01:00:00+08',
    'a'.repeat(201),
    '😀'.repeat(200),
    '😀'.repeat(201),
    ' ',
    '\u0000',
  ),
  fc.string(),
  fc.integer(),
);
const paths = [
  ['schemaVersion'],
  ['caseType'],
  ['caseId'],
  ['propertyId'],
  ['actor'],
  ['actor', 'id'],
  ['actor', 'role'],
  ['actor', 'extra'],
  ['commandId'],
  ['correlationId'],
  ['causationId'],
  ['rulesetVersion'],
  ['recordedAt'],
  ['occurredAt'],
  ['imported'],
  ['integrity'],
  ['integrity', 'hash'],
  ['integrity', 'previousHash'],
  ['extra'],
  ['__proto__'],
];

/** `metadata` with the value at `path` replaced (undefined removes it); unchanged when the path leads nowhere. */
const withValue = (path: readonly string[], value: unknown, metadata: unknown = valid): unknown => {
  const copy = JSON.parse(JSON.stringify(metadata)) as unknown;
  let target = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = target?.[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return metadata;
    target = next as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete target[last];
  // defineProperty: an own `__proto__` key, as JSON.parse makes it.
  else Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
};

t.test('stored metadata is accepted exactly when the zod schema accepts it, and read as zod reads it', async (t) => {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), oddValue), { minLength: 1, maxLength: 3 }), (changes) => {
      const metadata = changes.reduce<unknown>((m, [path, value]) => withValue(path, value, m), valid);
      const zod = eventMetadataSchema.safeParse(metadata);
      if (zod.success) {
        accepted += 1;
        assert.deepEqual(storedMetadata(metadata), zod.data);
      } else {
        refused += 1;
        assert.throws(() => storedMetadata(metadata), { name: 'ZodError' });
      }
    }),
    { numRuns: 2_000 },
  );
  t.ok(accepted > 50 && refused > 500, `both sides reached: ${accepted} accepted, ${refused} refused`);
});

t.test('the error of a refused metadata is zod’s, naming the field', async (t) => {
  t.same(storedMetadata(valid), valid, 'a valid metadata is read as it is');
  t.same(storedMetadata(withValue(['imported'], true)), { ...valid, imported: true });
  t.throws(() => storedMetadata(withValue(['recordedAt'], '2026-03-02T01:00:00')), /recordedAt/);
  t.throws(() => storedMetadata(withValue(['actor', 'role'], 'owner')), /actor/);
  t.throws(() => storedMetadata(withValue(['extra'], 1)), /extra/);
  // Lengths in code points, as zod counts them: 200 emoji are 400 UTF-16 code units.
  t.same(storedMetadata(withValue(['actor', 'id'], '😀'.repeat(200))), { ...valid, actor: { ...valid.actor, id: '😀'.repeat(200) } });
  t.throws(() => storedMetadata(withValue(['actor', 'id'], '😀'.repeat(201))), /actor/);
  t.throws(() => storedMetadata(withValue(['imported'], false)), /imported/);
  t.throws(() => storedMetadata(null));
});
