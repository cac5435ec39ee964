import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isEventTooLarge, isRevisionConflict } from '../../src/store/errors.js';
import { NO_STREAM } from '../../src/store/port.js';
import { openSqliteEventStore, type SqliteEventStoreOptions } from '../../src/store/sqlite.js';
import { openEventDatabase } from '../../src/store/sqlite-schema.js';
import { runConformance } from './conformance.js';
import { anEvent, events } from './conformance/fixtures.js';

const tempStore = async (options: Omit<SqliteEventStoreOptions, 'file'> = {}) => {
  const dir = await mkdtemp(join(tmpdir(), 'event-store-'));
  const file = join(dir, 'nested', 'events.db');
  const store = openSqliteEventStore({ ...options, file });
  const cleanup = async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { store, file, cleanup };
};

runConformance('sqlite', tempStore, { uniqueEventIds: true });

t.test('sqlite: concurrent appends share transactions', async (t) => {
  const { store, cleanup } = await tempStore();
  t.teardown(cleanup);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, index) => store.appendToStream(`complaint-${index}`, [anEvent()], { expectedRevision: NO_STREAM })),
  );
  t.equal(results.length, 50);
  const stats = store.stats();
  t.equal(stats.appends, 50);
  t.ok(stats.transactions < 50, `${stats.transactions} transactions for 50 appends`);
  t.equal((await store.readAll()).length, 50);
});

t.test('sqlite: maxBatch 1 commits each append alone', async (t) => {
  const { store, cleanup } = await tempStore({ maxBatch: 1 });
  t.teardown(cleanup);
  await Promise.all(Array.from({ length: 10 }, (_, index) => store.appendToStream(`c-${index}`, [anEvent()], { expectedRevision: NO_STREAM })));
  t.match(store.stats(), { appends: 10, transactions: 10, largestBatch: 1 });
});

t.test('sqlite: a refused append does not fail the rest of its batch', async (t) => {
  const { store, cleanup } = await tempStore({ maxEventBytes: 1_000 });
  t.teardown(cleanup);
  const outcomes = await Promise.allSettled([
    store.appendToStream('complaint-1', [anEvent()], { expectedRevision: NO_STREAM }),
    store.appendToStream('complaint-1', [anEvent()], { expectedRevision: NO_STREAM }),
    store.appendToStream('complaint-1', [anEvent()], { expectedRevision: 0n }),
    store.appendToStream('complaint-2', [anEvent('ComplaintReceived', { text: 'x'.repeat(2_000) })], { expectedRevision: NO_STREAM }),
    store.appendToStream('complaint-3', [anEvent()], { expectedRevision: NO_STREAM }),
  ]);
  t.equal(store.stats().transactions, 1, 'all five decided in one transaction');
  t.same(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
  );
  t.ok(outcomes[1]?.status === 'rejected' && isRevisionConflict(outcomes[1].reason), 'the second NO_STREAM append conflicts');
  t.ok(outcomes[3]?.status === 'rejected' && isEventTooLarge(outcomes[3].reason), 'the large event is refused');
  t.same(
    (await store.readAll()).map((event) => `${event.streamName}@${event.revision}`),
    ['complaint-1@0', 'complaint-1@1', 'complaint-3@0'],
    'later appends in the batch saw the earlier ones',
  );
});

t.test('sqlite: a reopened file holds everything, retries included', async (t) => {
  const { store, file, cleanup } = await tempStore();
  t.teardown(cleanup);
  const written = events(3);
  const original = await store.appendToStream('repair-1', written, { expectedRevision: NO_STREAM });
  const before = await store.readAll();
  await store.close();

  const reopened = openSqliteEventStore({ file });
  t.teardown(() => reopened.close());
  t.same(await reopened.readAll(), before, 'same events, revisions and positions');
  t.same(await reopened.appendToStream('repair-1', written, { expectedRevision: NO_STREAM }), original, 'a retry after restart is recognised');
  const next = await reopened.appendToStream('repair-1', events(1), { expectedRevision: 2n });
  t.equal(next.nextRevision, 3n);
  t.ok(next.position.commit > original.position.commit, 'positions keep growing');
});

t.test('sqlite: the last revision is known without a read, up to what another connection wrote since this one last wrote', async (t) => {
  const { store, file, cleanup } = await tempStore();
  t.teardown(cleanup);
  const other = openSqliteEventStore({ file });
  t.teardown(() => other.close());
  t.equal(store.knownRevision!('complaint-1'), undefined, 'a stream it never wrote: read to know');
  await store.appendToStream('complaint-1', events(2), { expectedRevision: NO_STREAM });
  await store.appendToStream('complaint-2', events(1), { expectedRevision: NO_STREAM });
  t.equal(store.knownRevision!('complaint-1'), 1n, 'its own append');
  t.equal(other.knownRevision!('complaint-1'), undefined, 'not for another connection');

  await t.rejects(store.appendToStream('complaint-1', events(1), { expectedRevision: 0n }), 'a refused append');
  t.equal(store.knownRevision!('complaint-1'), 1n, 'changes nothing');
  await other.appendToStream('complaint-1', events(1), { expectedRevision: 1n });
  t.equal(store.knownRevision!('complaint-1'), 1n, 'another connection wrote: not noticed before this one writes');
  await t.rejects(
    store.appendToStream('complaint-1', events(1), { expectedRevision: 1n }),
    { code: 'REVISION_CONFLICT' },
    'an append at the stale revision is refused',
  );
  t.equal(store.knownRevision!('complaint-1'), undefined, 'and from then on nothing is known');
  t.equal(store.knownRevision!('complaint-2'), undefined, 'not even of streams the other did not touch');
  await store.appendToStream('complaint-1', events(1), { expectedRevision: 2n });
  t.equal(store.knownRevision!('complaint-1'), 3n, 'known again from its next append');
  await other.appendToStream('complaint-3', events(1), { expectedRevision: NO_STREAM });
  await store.appendToStream('complaint-2', events(1), { expectedRevision: 0n });
  t.equal(store.knownRevision!('complaint-1'), undefined, 'any write of its own notices the other connection\u2019s');
  t.equal(store.knownRevision!('complaint-2'), 1n);
  await store.close();
  t.throws(() => store.knownRevision!('complaint-1'), { code: 'STORE_UNAVAILABLE' }, 'a closed store answers nothing');
});

t.test('sqlite: a checkpoint every 10,000 WAL pages unless told otherwise', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'event-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'events.db');
  for (const [pages, expected] of [
    [undefined, 10_000],
    [500, 500],
  ] as const) {
    const db = openEventDatabase(file, pages);
    t.equal(Number(db.pragma('wal_autocheckpoint', { simple: true })), expected);
    db.close();
  }
  t.throws(() => openSqliteEventStore({ file, walAutocheckpointPages: 0 }), RangeError);
});

t.test('sqlite: checkpoint() copies the WAL into the file from any connection, without the writer', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'event-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'events.db');
  const writer = openSqliteEventStore({ file });
  const reader = openSqliteEventStore({ file });
  const fileSize = () => statSync(file).size;
  const before = fileSize();
  for (let i = 0; i < 20; i++) await writer.appendToStream(`complaint-${i}`, events(5), { expectedRevision: NO_STREAM });
  t.equal(fileSize(), before, 'below the automatic mark, the events are only in the WAL');
  const { walPages, checkpointed } = reader.checkpoint!();
  t.ok(walPages > 0, `the WAL held ${walPages} pages`);
  t.equal(checkpointed, walPages, 'all of them copied');
  t.ok(fileSize() > before, 'into the database file');
  t.same(await writer.readAll(), await reader.readAll(), 'both read the same log');
  t.equal((await writer.readAll()).length, 100);
  await writer.appendToStream('complaint-0', events(1), { expectedRevision: 4n });
  t.equal((await reader.readStream('complaint-0')).length, 6, 'the writer goes on after it');
  await reader.close();
  t.throws(() => reader.checkpoint!(), { code: 'STORE_UNAVAILABLE' });
  await writer.close();
});
