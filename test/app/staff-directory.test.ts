import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { tempDir } from '../api/harness.js';
import { Temporal } from 'temporal-polyfill';
import { openStaffDirectory } from '../../src/app/staff-directory.js';
import { verifyLog } from '../../src/audit/verify.js';
import { CASE_EVENTS } from '../../src/projections/log-scan.js';
import { manualClock } from '../../src/runtime/clock.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { matchesFilter } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { technicianFields } from '../staff-fixture.js';

const admin = { id: 'wang.admin', role: 'admin' } as const;
const world = async () => {
  const store = createMemoryEventStore();
  const clock = manualClock(Temporal.Instant.from('2026-03-02T01:00:00Z'));
  return { store, clock, staff: await openStaffDirectory({ store, clock }) };
};

t.test('the directory replayed from its events is the directory that wrote them', async (t) => {
  const { store, clock, staff } = await world();
  t.teardown(() => store.close());
  await staff.add('li.tech', technicianFields('li.tech'), admin);
  await staff.add('zhao.desk', { name: '赵前台', role: 'frontdesk', department: 'service', properties: ['demo'] }, admin);
  await staff.change('li.tech', { properties: ['riverside'], skills: ['electrical'] }, admin);
  await staff.deactivate('zhao.desk', admin, 'left the company');
  const replayed = await openStaffDirectory({ store, clock });
  t.same(replayed.list(), staff.list());
  t.match(replayed.get('li.tech'), { properties: ['riverside'], skills: ['electrical'], active: true, phone: '13700000000' });
  t.match(replayed.get('zhao.desk'), { active: false });

  const events = (await store.readAll()).filter((e) => e.streamName.startsWith('person-'));
  t.same(
    events.map((e) => [e.streamName, e.type]),
    [
      ['person-li.tech', 'PersonAdded'],
      ['person-zhao.desk', 'PersonAdded'],
      ['person-li.tech', 'PersonChanged'],
      ['person-zhao.desk', 'PersonDeactivated'],
    ],
  );
  t.match(events[3]!.metadata, { personId: 'zhao.desk', actor: admin, recordedAt: '2026-03-02T01:00:00Z' }, 'who deactivated whom, and when');
  t.notOk(
    events.some((e) => matchesFilter(e, CASE_EVENTS)),
    'the projections skip the directory',
  );
});

t.test('a change made through another directory on the same store is seen after a refresh', async (t) => {
  const { store, clock, staff } = await world();
  t.teardown(() => store.close());
  await staff.add('li.tech', technicianFields('li.tech'), admin);
  const other = await openStaffDirectory({ store, clock });
  await other.deactivate('li.tech', admin);
  t.equal(staff.get('li.tech')?.active, true, 'not yet read');
  await staff.refresh(['li.tech']);
  t.equal(staff.get('li.tech')?.active, false);
  await t.rejects(staff.add('li.tech', technicianFields('li.tech'), admin), { code: 'PERSON_ALREADY_EXISTS' });
  await t.rejects(staff.change('nobody', { name: '无名' }, admin), { code: 'PERSON_NOT_FOUND' });
});

t.test("verify checks the directory's hash chains too", async (t) => {
  const { dir, remove } = await tempDir('staff-directory-');
  const store = openSqliteEventStore({ file: join(dir, 'events.db') });
  // The store closes (its last anchor write done) before its directory goes.
  t.teardown(async () => {
    await store.close();
    await remove();
  });
  const staff = await openStaffDirectory({ store, clock: manualClock(Temporal.Instant.from('2026-03-02T01:00:00Z')) });
  await staff.add('li.tech', technicianFields('li.tech'), admin);
  await staff.change('li.tech', { department: 'security' }, admin);
  t.match(await verifyLog(store), { intact: true, streamsChecked: 1 });
  // Someone edits the stored change behind the engine's back: the chain no longer holds.
  const db = new Database(join(dir, 'events.db'));
  db.prepare(
    `UPDATE events SET data = json_set(data, '$.department', 'finance') WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = 1`,
  ).run('person-li.tech');
  db.close();
  t.match(await verifyLog(store), { intact: false, broken: [{ stream: 'person-li.tech', failure: 'hash_mismatch' }] });
});
