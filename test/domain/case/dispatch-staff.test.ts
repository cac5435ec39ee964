import t from 'tap';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { staffLookupOf, type Person } from '../../../src/domain/staff/person.js';
import { dispatcher, refuses, repairBody, run } from './fixtures.js';

const person = (id: string, over: Partial<Person> = {}): Person => ({
  id,
  name: id,
  role: 'technician',
  department: 'engineering',
  properties: ['demo'],
  active: true,
  ...over,
});
const staff = staffLookupOf(
  new Map(
    [
      person('liu'),
      person('gone', { active: false }),
      person('far', { properties: ['riverside'] }),
      person('desk', { role: 'frontdesk' }),
      person('all', { properties: '*' }),
    ].map((p) => [p.id, p]),
  ),
);
const report = { name: 'report', payload: repairBody, now: '2026-03-02T01:00:00Z' };
const dispatchTo = (technicianId: string, context: Parameters<typeof run>[2] = { staff }) =>
  run(repairLifecycle, [report, { name: 'dispatch', payload: { technicianId }, now: '2026-03-02T01:05:00Z', actor: dispatcher }], context);

t.test('a repair is dispatched to an active technician of its property, from the directory the context gives', async (t) => {
  t.equal(dispatchTo('liu').state.snapshot.state, 'dispatched');
  t.equal(dispatchTo('all').state.snapshot.state, 'dispatched', 'a technician of every property');
  for (const [id, why] of [
    ['nobody', /no person "nobody"/],
    ['gone', /no longer active/],
    ['far', /does not work for property demo/],
    ['desk', /is a frontdesk, not a technician/],
  ] as const) {
    refuses(t, () => dispatchTo(id), 'INVALID_COMMAND', { field: 'technicianId', allowed: ['liu', 'all'] });
    t.throws(() => dispatchTo(id), { message: why });
  }
  refuses(t, () => dispatchTo('liu', { staff: undefined }), 'INVALID_COMMAND', { field: 'technicianId' });
});

t.test("an administrator's import records who did the work then, whoever the directory lists today", async (t) => {
  t.equal(dispatchTo('gone', { staff, imported: true }).state.snapshot.state, 'dispatched');
});
