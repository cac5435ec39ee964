import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { counterStream, workOrderNumbers } from '../../src/app/work-order-numbers.js';
import { manualClock } from '../../src/runtime/clock.js';
import { createEsdbEventStore } from '../../src/store/esdb.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteIn, tempDir } from '../api/harness.js';
import { startStandIn } from '../store/esdb-test-server.js';

/** Short delays: the stand-in answers in milliseconds. */
const FAST_RETRY = { attempts: 3, initialDelayMs: 20, maxDelayMs: 200 } as const;
const clock = manualClock(Temporal.Instant.from('2026-12-03T02:00:00Z'));
const day = { propertyId: 'demo', prefix: 'TS', localDate: '2026-12-03' };

/** Two minters on one store, as two server processes would be: 25 numbers each, all at once. */
const mintConcurrently = async (store: EventStore) => {
  const minters = [workOrderNumbers({ store, clock }), workOrderNumbers({ store, clock })];
  return Promise.all(Array.from({ length: 50 }, (_, i) => minters[i % 2]!.mint({ ...day, commandId: `cmd-${i}`, caseId: `case-${i}` })));
};
const expected = Array.from({ length: 50 }, (_, i) => `TS-20261203-${String(i + 1).padStart(4, '0')}`);

t.test('50 numbers minted at once by two minters are 50 distinct numbers, 1 to 50 (memory)', async (t) => {
  const numbers = await mintConcurrently(createMemoryEventStore());
  t.same([...numbers].sort(), expected);
});

t.test('the same on SQLite, and a reopened store goes on after the last number, never reusing one', async (t) => {
  const { dir, remove } = await tempDir('numbers-');
  t.teardown(remove);
  const store = openSqliteIn(dir);
  t.same([...(await mintConcurrently(store))].sort(), expected);
  await store.close();
  const reopened = openSqliteIn(dir);
  t.teardown(() => reopened.close());
  t.equal(await workOrderNumbers({ store: reopened, clock }).mint({ ...day, commandId: 'after-restart', caseId: 'r' }), 'TS-20261203-0051');
  const events = await reopened.readStream(counterStream('demo', 'TS', '2026-12-03'));
  t.equal(events.length, 51, 'one counter event a number');
});

t.test('the same through the EventStoreDB adapter (protocol stand-in)', async (t) => {
  const server = await startStandIn();
  const store = createEsdbEventStore({ connectionString: server.connectionString, retry: FAST_RETRY });
  t.teardown(async () => {
    await store.close();
    await server.stop();
  });
  t.same([...(await mintConcurrently(store))].sort(), expected);
});

t.test('a command asking again while its record is not yet appended is given its number again', async (t) => {
  const store = createMemoryEventStore();
  const numbers = workOrderNumbers({ store, clock });
  const asks = await Promise.all(Array.from({ length: 5 }, () => numbers.mint({ ...day, commandId: 'idem-1', caseId: 'k' })));
  t.same(asks, Array(5).fill('TS-20261203-0001'));
  t.equal(await numbers.mint({ ...day, commandId: 'idem-1', caseId: 'other' }), 'TS-20261203-0002', 'the same command for another record is another number');
});

t.test('each property, record type and day counts on its own', async (t) => {
  const store = createMemoryEventStore();
  const numbers = workOrderNumbers({ store, clock });
  t.equal(await numbers.mint({ ...day, commandId: 'a', caseId: 'a' }), 'TS-20261203-0001');
  t.equal(await numbers.mint({ ...day, prefix: 'BX', commandId: 'b', caseId: 'b' }), 'BX-20261203-0001');
  t.equal(await numbers.mint({ ...day, propertyId: 'riverside', commandId: 'c', caseId: 'c' }), 'TS-20261203-0001');
  t.equal(await numbers.mint({ ...day, localDate: '2026-12-04', commandId: 'd', caseId: 'd' }), 'TS-20261204-0001');
  t.equal(await numbers.mint({ ...day, commandId: 'e', caseId: 'e' }), 'TS-20261203-0002');
});
