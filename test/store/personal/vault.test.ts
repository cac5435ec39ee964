import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { tempDir } from '../../api/harness.js';
import { KEY_STORE_FILE, openKeyStore } from '../../../src/store/personal/key-store.js';
import { masterKeyOf } from '../../../src/store/personal/master-key.js';
import { personalVault } from '../../../src/store/personal/vault.js';

const first = masterKeyOf('11'.repeat(32), 'MASTER_KEY');
const second = masterKeyOf('22'.repeat(32), 'MASTER_KEY_FILE /keys/next.key');
const received = { propertyId: 'demo', unit: '1-1-101', owner: { name: '上官测试', phone: '13512345678' } };

const open = async (t: Test) => {
  const { dir, remove } = await tempDir('vault-');
  const file = join(dir, KEY_STORE_FILE);
  const opened: Array<{ close(): void }> = [];
  t.teardown(async () => {
    for (const store of opened) store.close();
    await remove();
  });
  return (master = first) => {
    const keys = openKeyStore(file, master);
    opened.push(keys);
    return personalVault(keys);
  };
};

t.test('a field opens only where it was sealed: another key, field or altered byte is refused clearly', async (t) => {
  const vault = (await open(t))();
  const sealed = vault.seal('complaint', received) as typeof received;
  t.match(sealed, { unit: '1-1-101', owner: { name: /^pii:v1:/, phone: /^pii:v1:/ } }, 'only the personal fields');
  t.same(vault.open('complaint', sealed), received);
  t.equal(vault.seal('fee', received), received, 'a type with no personal fields is left as it is');
  t.equal(vault.open('complaint', received), undefined, 'plain (stored before sealing): nothing to open');
  t.equal(vault.keysIn('complaint', sealed).length, 1, 'one key per record');

  const swapped = { ...sealed, owner: { name: sealed.owner.phone, phone: sealed.owner.name } };
  t.throws(() => vault.open('complaint', swapped), { code: 'PERSONAL_DATA_KEY', message: /the sealed field owner.name does not open with data key/ });
  const body = sealed.owner.name.split(':').at(-1)!;
  const flipped = `${sealed.owner.name.slice(0, -body.length)}${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
  t.throws(() => vault.open('complaint', { ...sealed, owner: { ...sealed.owner, name: flipped } }), /does not open with data key/);
  const other = vault.seal('complaint', received) as typeof received;
  t.not(vault.keysIn('complaint', other)[0], vault.keysIn('complaint', sealed)[0], 'another record, another key');
});

t.test('with the wrong master key a read fails naming both keys; after a rotation only the new one opens', async (t) => {
  const vaultWith = await open(t);
  const vault = vaultWith();
  const sealed = vault.seal('complaint', received);
  t.throws(() => vaultWith(second).open('complaint', sealed), {
    code: 'PERSONAL_DATA_KEY',
    message: `data key ${vault.keysIn('complaint', sealed)[0]} is wrapped by master key ${first.id}, but MASTER_KEY_FILE /keys/next.key is master key ${second.id}: start with the master key of this data directory (docs/security.md)`,
  });
  t.ok(vault.keys.rewrap(second) >= 1, 'rewrapped');
  t.same(vaultWith(second).open('complaint', sealed), received, 'the new master key opens the same events');
  t.throws(() => vaultWith(first).open('complaint', sealed), new RegExp(`wrapped by master key ${second.id}`), 'the old one no longer does');
});

t.test('an erased key reads as who erased it and when; erasing again destroys nothing more', async (t) => {
  const vault = (await open(t))();
  const sealed = vault.seal('visit', { visitor: { name: '来访测试' } });
  const by = { id: 'operator:root', role: 'admin' as const };
  t.equal(vault.keys.erase(vault.keysIn('visit', sealed), by, '2026-03-02T03:00:00Z'), 1);
  t.same(vault.open('visit', sealed), { visitor: { name: { erased: true, erasedAt: '2026-03-02T03:00:00Z', erasedBy: by } } });
  t.equal(vault.keys.erase(vault.keysIn('visit', sealed), by, '2026-03-03T00:00:00Z'), 0);
  t.match(vault.open('visit', sealed), { visitor: { name: { erasedAt: '2026-03-02T03:00:00Z' } } }, 'the first erasure stands');
});

t.test('keys are made ahead a batch at a time, 256 unless the store is opened with another batch', async (t) => {
  const { dir, remove } = await tempDir('key-batch-');
  t.teardown(remove);
  for (const [batch, file] of [
    [undefined, join(dir, 'default.db')],
    [4, join(dir, 'four.db')],
  ] as const) {
    const keys = openKeyStore(file, first, batch === undefined ? {} : { batch });
    const taken = Array.from({ length: 5 }, () => keys.take().id);
    keys.close();
    t.equal(new Set(taken).size, 5, 'a fresh key for each record');
    const db = new Database(file, { readonly: true });
    const made = (db.prepare('SELECT count(*) AS n FROM data_keys').get() as { n: number }).n;
    db.close();
    t.equal(made, batch === undefined ? 256 : 8, `batch ${batch ?? 'default'}: keys made for 5 records`);
  }
  t.throws(() => openKeyStore(join(dir, 'zero.db'), first, { batch: 0 }), RangeError);
});

t.test('a data key id begins with the millisecond it was made: keys made later sort after', async (t) => {
  const { dir, remove } = await tempDir('key-ids-');
  t.teardown(remove);
  let now = Date.parse('2026-03-01T00:00:00Z');
  const keys = openKeyStore(join(dir, 'keys.db'), first, { batch: 3, clock: () => now });
  t.teardown(() => keys.close());
  const first3 = Array.from({ length: 3 }, () => keys.take().id);
  now += 1;
  const next3 = Array.from({ length: 3 }, () => keys.take().id);
  for (const id of [...first3, ...next3]) t.match(id, /^[0-9a-f]{32}$/, 'the id keeps its form: 16 bytes in hex');
  t.same(
    first3.map((id) => Number.parseInt(id.slice(0, 12), 16)),
    [now - 1, now - 1, now - 1],
    "the first 6 bytes: the batch's millisecond",
  );
  t.ok(
    next3.every((later) => first3.every((earlier) => later > earlier)),
    'every key of the later batch sorts after every key of the earlier',
  );
  t.equal(new Set(first3.map((id) => id.slice(12))).size, 3, 'the other 10 bytes random: keys of one millisecond differ');
  const sealed = personalVault(keys).seal('complaint', { owner: { name: '张三', phone: '13800000000' } });
  t.same(personalVault(keys).open('complaint', sealed), { owner: { name: '张三', phone: '13800000000' } }, 'a key with such an id seals and opens');
});

t.test("keys.db's page cache is SQLite's build default unless the store is opened with another", async (t) => {
  const { dir, remove } = await tempDir('key-cache-');
  t.teardown(remove);
  const built = openKeyStore(join(dir, 'keys.db'), first);
  t.equal(built.pageCacheKib(), 16_000, "better-sqlite3's build: 16,000 KiB a connection");
  built.close();
  const small = openKeyStore(join(dir, 'keys.db'), first, { pageCacheKib: 2_048 });
  t.equal(small.pageCacheKib(), 2_048);
  small.take();
  small.close();
  for (const pageCacheKib of [0, 1.5, -4]) {
    t.throws(() => openKeyStore(join(dir, 'keys.db'), first, { pageCacheKib }), { name: 'RangeError', message: /pageCacheKib must be a whole number >= 1/ });
  }
});
