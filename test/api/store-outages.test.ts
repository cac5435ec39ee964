import t from 'tap';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { causeOf, reportingOutages, type StoreOutage } from '../../src/store/outages.js';
import type { EventStore } from '../../src/store/port.js';
import { buildHarness, complaintBody } from './harness.js';

/** A store whose appends fail as SQLite's do on a full disk while `full` is set (the group commit wraps the cause). */
const fillable = () => {
  const store = createMemoryEventStore();
  const disk = { full: false };
  const failing: EventStore = {
    ...store,
    appendToStream: (...args) =>
      disk.full
        ? Promise.reject(
            new StoreUnavailableError('the batch of appends could not be committed', new Database.SqliteError('database or disk is full', 'SQLITE_FULL')),
          )
        : store.appendToStream(...args),
  };
  return { failing, disk };
};

t.test('a 503 from the store carries Retry-After, and an outage is reported once as it begins and once as it ends', async (t) => {
  const { failing, disk } = fillable();
  const began: StoreOutage[] = [];
  const ended: StoreOutage[] = [];
  let now = 1_000;
  const store = reportingOutages(failing, { began: (o) => void began.push(o), ended: (o) => void ended.push(o) }, () => now);
  const h = await buildHarness({ store });
  t.teardown(h.close);

  const created = await h.inject('POST', '/v1/complaints', { body: complaintBody() });
  t.equal(created.statusCode, 201);
  const first = created.json<{ id: string }>().id;
  disk.full = true;
  for (let i = 0; i < 3; i++) {
    const refused = await h.inject('POST', '/v1/complaints', { body: complaintBody() });
    t.equal(refused.statusCode, 503);
    t.equal(refused.headers['retry-after'], '5', 'Retry-After');
    t.match(refused.json(), { code: 'STORE_UNAVAILABLE', status: 503 });
    // Reads go on during a full disk: they say nothing of the writes.
    t.equal((await h.inject('GET', `/v1/complaints/${first}`, { as: 'manager' })).statusCode, 200);
    now += 1_000;
  }
  t.equal(began.length, 1, 'one report for three failed requests');
  t.equal(began[0]!.kind, 'writes');
  t.same(causeOf(began[0]!.error), { code: 'SQLITE_FULL', message: 'database or disk is full' }, 'with its cause');
  t.equal(store.outage()?.failures, 3);
  t.same(ended, [], 'not over yet');

  disk.full = false;
  t.equal((await h.inject('POST', '/v1/complaints', { body: complaintBody() })).statusCode, 201, 'writes resume by themselves');
  t.equal(ended.length, 1, 'the end reported once');
  t.match(ended[0], { kind: 'writes', since: 1_000, failures: 3 });
  t.equal(store.outage(), undefined);
  t.equal((await h.inject('POST', '/v1/complaints', { body: complaintBody() })).statusCode, 201);
  t.equal(began.length + ended.length, 2, 'nothing more while it answers');
});

t.test('every 503 says when to ask again: /readyz on a store that does not answer', async (t) => {
  const store = createMemoryEventStore();
  let leader = true;
  const h = await buildHarness({
    store: {
      ...store,
      readAll: (...args) => (leader ? store.readAll(...args) : Promise.reject(new StoreUnavailableError('EventStoreDB unavailable: no leader'))),
    },
  });
  t.teardown(h.close);
  leader = false;
  const ready = await h.inject('GET', '/readyz', { as: 'none' });
  t.equal(ready.statusCode, 503);
  t.equal(ready.headers['retry-after'], '5');
  t.match(ready.json(), { code: 'NOT_READY', detail: /no leader/ });
});
