import t from 'tap';
import { readEventData } from '../../../src/domain/events/catalogue.js';
import { recordOf } from '../../../src/domain/records.js';

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
