import t from 'tap';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { clockSubjectOf } from '../../../src/domain/records.js';
import { caseClocks } from '../../../src/domain/sla/clocks.js';
import { at, complaintBody, repairBody, run, sampleRuleset } from '../case/fixtures.js';

const clocksOf = (caseType: 'complaint' | 'repair', facts: unknown, now: string) =>
  Object.fromEntries(caseClocks(clockSubjectOf({ caseType, facts }), sampleRuleset, at(now)).map((c) => [c.clock, c]));

t.test('a complaint received at 23:59 the day before the Spring Festival holiday', async (t) => {
  // 2026-02-14 (Sat) is a make-up workday; 2026-02-15..23 is the Spring Festival holiday.
  const received = '2026-02-14T15:59:00Z'; // 23:59 in Shanghai
  const { state } = run(complaintLifecycle, [{ name: 'receive', payload: complaintBody, now: received }]);
  const clocks = clocksOf('complaint', state.snapshot.facts, received);
  t.equal(clocks.response!.deadline, '2026-02-14T17:59:00Z', 'response: 2 elapsed hours, holiday or not');
  t.equal(clocks.resolution!.deadline, '2026-02-26T16:00:00Z', 'resolution: end of the 3rd working day after the holiday (Thu 26 Feb 24:00)');
  t.equal(clocks.resolution!.status, 'running');
  t.equal(clocks.callback!.status, 'not_started');
  const later = clocksOf('complaint', state.snapshot.facts, '2026-02-14T17:40:00Z');
  t.equal(later.response!.status, 'at_risk', '84% of the response clock used');
  const missed = clocksOf('complaint', state.snapshot.facts, '2026-02-14T18:00:00Z');
  t.equal(missed.response!.status, 'missed');
});

t.test('a repair paused across a weekend, then reclassified complex after 20 h', async (t) => {
  const { state } = run(repairLifecycle, [
    { name: 'report', payload: repairBody, now: '2026-03-06T02:00:00Z' }, // Fri 10:00
    { name: 'dispatch', payload: { technicianId: 'tech-7' }, now: '2026-03-06T02:30:00Z' }, // exactly 30 min: met
    { name: 'accept', now: '2026-03-06T02:35:00Z' },
    { name: 'arrive', now: '2026-03-06T03:00:00Z' },
    { name: 'pause', payload: { reason: 'owner_absent' }, now: '2026-03-06T10:00:00Z' }, // Fri 18:00
    { name: 'resume', now: '2026-03-09T00:00:00Z' }, // Mon 08:00
    { name: 'reclassify', payload: { complexity: 'complex', reason: '需更换立管' }, now: '2026-03-09T12:00:00Z' },
  ]);
  const clocks = clocksOf('repair', state.snapshot.facts, '2026-03-09T12:00:00Z');
  t.equal(clocks.response!.status, 'met', 'dispatched at the deadline itself');
  t.equal(clocks.completion!.policyId, 'repair.completion.complex', 'the new class applies');
  // 72 h from Fri 10:00 plus the 62 h pause → Wed 00:00 local.
  t.equal(clocks.completion!.deadline, '2026-03-11T16:00:00Z');
  t.equal(clocks.completion!.pauses.length, 1);
  const whilePaused = run(repairLifecycle, [
    { name: 'report', payload: repairBody, now: '2026-03-06T02:00:00Z' },
    { name: 'dispatch', payload: { technicianId: 'tech-7' }, now: '2026-03-06T02:10:00Z' },
    { name: 'accept', now: '2026-03-06T02:35:00Z' },
    { name: 'pause', payload: { reason: 'awaiting_parts' }, now: '2026-03-06T10:00:00Z' },
  ]).state;
  const paused = clocksOf('repair', whilePaused.snapshot.facts, '2026-03-08T10:00:00Z');
  t.equal(paused.completion!.status, 'paused', 'well past 24 h of wall time, but paused');
  t.equal(paused.completion!.remainingMinutes, 16 * 60, '8 h counted before the pause, 16 h remain');
});

t.test('a withdrawn complaint ends its clocks; a deadline in an unpublished year is undetermined', async (t) => {
  const { state } = run(complaintLifecycle, [
    { name: 'receive', payload: complaintBody, now: '2026-03-02T01:00:00Z' },
    { name: 'withdraw', payload: { reason: '业主已自行解决' }, now: '2026-03-02T02:00:00Z' },
  ]);
  t.equal(clocksOf('complaint', state.snapshot.facts, '2026-03-10T00:00:00Z').response!.status, 'ended');
  const late = run(complaintLifecycle, [{ name: 'receive', payload: complaintBody, now: '2026-12-31T03:00:00Z' }]).state;
  const clocks = clocksOf('complaint', late.snapshot.facts, '2026-12-31T03:00:00Z');
  t.equal(clocks.resolution!.status, 'undetermined');
  t.equal(clocks.resolution!.error!.code, 'CALENDAR_YEAR_UNPUBLISHED');
  t.equal(clocks.response!.status, 'running', 'elapsed clocks need no calendar year');
});
