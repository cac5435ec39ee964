import t from 'tap';
import { readEventData } from '../../../src/domain/events/catalogue.js';
import { recordOf } from '../../../src/domain/records.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { complaintBody, run } from './fixtures.js';

const read = (data: unknown) => readEventData('complaint', recordOf('complaint').events, 'ComplaintEscalated', 1, data);

t.test('an escalation stored with its English reason only still reads as it was stored', async (t) => {
  const old = { reason: 'SLA response deadline 2026-12-03T06:30:00Z missed (policy complaint.response): escalated by the deadline watcher' };
  t.same(read(old), old);
});

t.test("the watcher's escalation carries the missed clock, policy and deadline instant as codes", async (t) => {
  const missed = { clock: 'response', policyId: 'complaint.response', deadline: '2026-12-03T06:30:00Z' };
  t.same(read({ reason: 'escalated', missed }), { reason: 'escalated', missed });
  t.throws(() => read({ reason: 'escalated', missed: { ...missed, clock: 'teatime' } }), 'a clock is one of the known clocks');
  t.throws(() => read({ reason: 'escalated', missed: { ...missed, deadline: '3 December' } }), 'the deadline is an instant');
});

t.test('only the deadline watcher records a missed deadline with an escalation; a person gives a reason', async (t) => {
  const missed = { clock: 'response', policyId: 'complaint.response', deadline: '2026-03-02T03:00:00Z' };
  const received = { name: 'receive', payload: complaintBody, now: '2026-03-02T01:00:00Z' };
  t.throws(
    () => run(complaintLifecycle, [received, { name: 'escalate', payload: { reason: '业主多次来电', missed }, now: '2026-03-02T04:00:00Z' }]),
    { code: 'INVALID_COMMAND', details: { field: 'missed' } },
    'a front desk cannot claim a miss',
  );
  const byPerson = run(complaintLifecycle, [received, { name: 'escalate', payload: { reason: '业主多次来电' }, now: '2026-03-02T04:00:00Z' }]);
  t.equal(byPerson.events.at(-1)?.type, 'ComplaintEscalated', 'with a reason alone it is recorded');
  const byWatcher = run(complaintLifecycle, [
    received,
    { name: 'escalate', payload: { reason: 'escalated', missed }, now: '2026-03-02T04:00:00Z', actor: { id: 'deadline-watcher', role: 'system' } },
  ]);
  t.same(byWatcher.events.at(-1)?.data, { reason: 'escalated', missed }, "the watcher's escalation carries the miss");
});
