import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createOwnWrites } from '../../src/store/sqlite-own-writes.js';
import { openEventDatabase } from '../../src/store/sqlite-schema.js';

t.test('own writes: the least recently written stream is forgotten first, and reading it does not make it recent', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'own-writes-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const db = openEventDatabase(join(dir, 'events.db'));
  t.teardown(() => db.close());
  const own = createOwnWrites(db, 3);
  own.written('a', 0n);
  own.written('b', 0n);
  own.written('c', 0n);
  t.equal(own.revision('a'), 0n, 'read, not written');
  own.written('b', 1n);
  own.written('d', 0n);
  t.equal(own.revision('a'), undefined, 'a was written least recently');
  t.same(
    ['b', 'c', 'd'].map((stream) => own.revision(stream)),
    [1n, 0n, 0n],
  );
  own.written('e', 0n);
  t.equal(own.revision('c'), undefined, 'then c: rewriting b made it recent');
  t.equal(own.revision('b'), 1n);
  for (let i = 0; i < 10_000; i++) own.written(`s-${i}`, BigInt(i));
  t.same(
    ['s-9997', 's-9998', 's-9999', 's-9996'].map((stream) => own.revision(stream)),
    [9997n, 9998n, 9999n, undefined],
    'never more than its capacity',
  );
});
