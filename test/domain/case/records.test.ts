import t from 'tap';
import { activityLifecycle } from '../../../src/domain/activity/lifecycle.js';
import { archiveCheckLifecycle } from '../../../src/domain/archive-check/lifecycle.js';
import { feeLedgerId } from '../../../src/domain/fee/commands.js';
import { feeLedgerLifecycle } from '../../../src/domain/fee/lifecycle.js';
import { inspectionLifecycle } from '../../../src/domain/inspection/lifecycle.js';
import { visitLifecycle } from '../../../src/domain/visit/lifecycle.js';
import { activityBody, billBody, refuses, run, visitBody } from './fixtures.js';

// The rules of the new records' commands: each refusal's code and the field it names.

const T0 = '2026-09-10T02:00:00Z'; // 10:00 on 10 September in Shanghai
const bill = { name: 'bill', payload: billBody, now: T0 };
const pay = (amountFen: unknown) => ({ name: 'pay', payload: { amountFen, method: 'wechat' }, now: T0 });
const waive = (amountFen: number) => ({ name: 'waive', payload: { amountFen, reason: '空置房减免' }, now: T0 });
const refund = (amountFen: number) => ({ name: 'refund', payload: { amountFen, reason: '重复缴费' }, now: T0 });

t.test('fee: amounts within what is owed and collected, in whole fen', async (t) => {
  refuses(t, () => run(feeLedgerLifecycle, [bill, pay(10_001)]), 'INVALID_COMMAND', { field: 'amountFen' });
  t.throws(() => run(feeLedgerLifecycle, [bill, pay(10_001)]), { message: 'amountFen: a payment of 10001 fen is more than the 10000 fen still owed' });
  refuses(t, () => run(feeLedgerLifecycle, [bill, pay(4_000), waive(6_001)]), 'INVALID_COMMAND', { field: 'amountFen' });
  t.throws(
    () => run(feeLedgerLifecycle, [bill, waive(2_000), pay(8_001)]),
    { message: /8001 fen is more than the 8000 fen still owed/ },
    'a waiver lowers what is owed',
  );
  t.throws(() => run(feeLedgerLifecycle, [bill, pay(4_000), refund(4_001)]), {
    message: 'amountFen: a refund of 4001 fen is more than the 4000 fen collected',
  });
  t.throws(
    () => run(feeLedgerLifecycle, [bill, pay(4_000), refund(1_000), refund(3_001)]),
    { message: /3001 fen is more than the 3000 fen collected/ },
    'a refund lowers what was collected',
  );
  refuses(t, () => run(feeLedgerLifecycle, [bill, waive(2_000), refund(1)]), 'INVALID_COMMAND', { field: 'amountFen' });
  for (const amount of [-100, 0, 100.5, '100']) {
    refuses(t, () => run(feeLedgerLifecycle, [bill, pay(amount)]), 'INVALID_COMMAND', { field: 'amountFen' });
  }
  refuses(t, () => run(feeLedgerLifecycle, [{ ...bill, payload: { ...billBody, amountFen: 99.99 } }]), 'INVALID_COMMAND', { field: 'amountFen' });

  const { state, events } = run(feeLedgerLifecycle, [bill, pay(4_000), waive(1_000), refund(500), pay(5_500)]);
  t.equal(state.snapshot.state, 'settled', 'paid, waived and refunded to exactly what was billed');
  t.same(
    events.map((e) => e.type),
    ['FeeBilled', 'FeePaid', 'FeeWaived', 'FeeRefunded', 'FeePaid'],
  );
  refuses(t, () => run(feeLedgerLifecycle, [bill, pay(10_000), pay(1)]), 'TRANSITION_NOT_ALLOWED', { command: 'pay', state: 'settled', allowed: ['refund'] });
});

t.test('fee: a bill falls due in or after its month; a ledger is billed once and paid only once billed', async (t) => {
  refuses(t, () => run(feeLedgerLifecycle, [{ ...bill, payload: { ...billBody, dueDate: '2026-08-31' } }]), 'INVALID_COMMAND', { field: 'dueDate' });
  t.throws(() => run(feeLedgerLifecycle, [{ ...bill, payload: { ...billBody, dueDate: '2026-08-31' } }]), {
    message: 'dueDate: due 2026-08-31, before the billing month 2026-09 begins',
  });
  t.equal(
    run(feeLedgerLifecycle, [{ ...bill, payload: { ...billBody, dueDate: '2026-09-01' } }]).state.snapshot.state,
    'outstanding',
    'due on the first day of the month',
  );
  refuses(t, () => run(feeLedgerLifecycle, [{ ...bill, payload: { ...billBody, period: '2026-13' } }]), 'INVALID_COMMAND', { field: 'period' });
  refuses(t, () => run(feeLedgerLifecycle, [pay(100)]), 'CASE_NOT_FOUND', { caseType: 'fee' });
  refuses(t, () => run(feeLedgerLifecycle, [bill, bill]), 'CASE_ALREADY_EXISTS');
  const id = feeLedgerId('demo', '3-2-1201', '2026-09');
  t.equal(feeLedgerId('demo', '3-2-1201', '2026-09'), id, 'one ledger id per unit and month');
  t.not(feeLedgerId('demo', '3-2-1201', '2026-10'), id);
  t.not(feeLedgerId('demo', '3-2-1202', '2026-09'), id);
  t.not(feeLedgerId('riverside', '3-2-1201', '2026-09'), id);
});

t.test('activity: participation within the households; the day held not in the future nor beyond the window', async (t) => {
  const record = (payload: object, now = T0) => ({ name: 'record', payload: { ...activityBody, ...payload }, now });
  refuses(t, () => run(activityLifecycle, [record({ participants: 1201 })]), 'INVALID_COMMAND', { field: 'participants' });
  t.throws(() => run(activityLifecycle, [record({ participants: 1201 })]), {
    message: 'participants: 1201 participating households, more than the 1200 households of property demo',
  });
  t.equal(run(activityLifecycle, [record({ participants: 1200 })]).state.snapshot.facts.participants, 1200, 'every household is allowed');
  refuses(t, () => run(activityLifecycle, [record({ propertyId: 'riverside', participants: 861 })]), 'INVALID_COMMAND', { field: 'participants' });
  t.equal(run(activityLifecycle, [record({ propertyId: 'riverside', participants: 860 })]).state.snapshot.state, 'held');
  refuses(t, () => run(activityLifecycle, [record({ participants: -1 })]), 'INVALID_COMMAND', { field: 'participants' });
  refuses(t, () => run(activityLifecycle, [record({ participants: 2.5 })]), 'INVALID_COMMAND', { field: 'participants' });
  const correct = (participants: number) => ({ name: 'correct-participation', payload: { participants, reason: '按签到表更正' }, now: T0 });
  refuses(t, () => run(activityLifecycle, [record({}), correct(1201)]), 'INVALID_COMMAND', { field: 'participants' });
  refuses(t, () => run(activityLifecycle, [record({}), correct(240)]), 'TRANSITION_NOT_ALLOWED', { command: 'correct-participation', state: 'held' });
  const corrected = run(activityLifecycle, [record({}), correct(300)]).state.snapshot.facts;
  t.equal(corrected.participants, 300);
  t.match(corrected.corrections, [{ participants: 300, reason: '按签到表更正' }]);

  refuses(t, () => run(activityLifecycle, [record({ heldOn: '2026-09-11' })]), 'INVALID_COMMAND', { field: 'heldOn' });
  t.throws(() => run(activityLifecycle, [record({ heldOn: '2026-09-11' })]), { message: 'heldOn: 2026-09-11 is after today (2026-09-10)' });
  t.equal(
    run(activityLifecycle, [record({ heldOn: '2026-09-11' }, '2026-09-10T16:30:00Z')]).state.snapshot.state,
    'held',
    'today is the local day: 00:30 on the 11th in Shanghai',
  );
  t.equal(run(activityLifecycle, [record({ heldOn: '2026-09-03' })]).state.snapshot.state, 'held', 'recordWindowDays (7) back is allowed');
  refuses(t, () => run(activityLifecycle, [record({ heldOn: '2026-09-02' })]), 'INVALID_COMMAND', { field: 'heldOn' });
  t.throws(() => run(activityLifecycle, [record({ heldOn: '2026-09-02' })]), {
    message: /2026-09-02 is more than 7 days before today \(2026-09-10\); the ruleset \(intake.yaml recordWindowDays\) allows 7/,
  });
});

t.test('archive check: an incorrect record names its wrong fields, a correct one none', async (t) => {
  const check = (payload: object) => [{ name: 'record', payload: { propertyId: 'demo', unit: '3-2-1201', ...payload }, now: T0 }];
  refuses(t, () => run(archiveCheckLifecycle, check({ correct: false })), 'INVALID_COMMAND', { field: 'wrongFields' });
  refuses(t, () => run(archiveCheckLifecycle, check({ correct: false, wrongFields: [] })), 'INVALID_COMMAND', { field: 'wrongFields' });
  refuses(t, () => run(archiveCheckLifecycle, check({ correct: true, wrongFields: ['phone'] })), 'INVALID_COMMAND', { field: 'wrongFields' });
  t.equal(run(archiveCheckLifecycle, check({ correct: true, wrongFields: [] })).state.snapshot.state, 'correct');
  const wrong = run(archiveCheckLifecycle, check({ correct: false, wrongFields: ['phone', 'ownerName'] })).state.snapshot;
  t.equal(wrong.state, 'incorrect');
  t.same(wrong.facts.wrongFields, ['phone', 'ownerName']);
  refuses(t, () => run(archiveCheckLifecycle, [...check({ correct: true }), { name: 'correct', payload: { note: 'n' }, now: T0 }]), 'TRANSITION_NOT_ALLOWED', {
    state: 'correct',
    allowed: [],
  });
});

t.test('inspection: a failed spot check states its findings', async (t) => {
  const inspect = (payload: object) => [{ name: 'record', payload: { propertyId: 'demo', procedure: '投诉受理规程', ...payload }, now: T0 }];
  refuses(t, () => run(inspectionLifecycle, inspect({ passed: false })), 'INVALID_COMMAND', { field: 'findings' });
  refuses(t, () => run(inspectionLifecycle, inspect({ passed: false, findings: '' })), 'INVALID_COMMAND', { field: 'findings' });
  t.equal(run(inspectionLifecycle, inspect({ passed: false, findings: '未登记来电时间' })).state.snapshot.state, 'failed');
  t.equal(run(inspectionLifecycle, inspect({ passed: true, findings: '记录完整' })).state.snapshot.state, 'passed', 'a pass may carry remarks');
  refuses(t, () => run(inspectionLifecycle, inspect({ propertyId: 'elsewhere', passed: true })), 'INVALID_COMMAND', { field: 'propertyId' });
});

t.test('visit: known categories and departments; answered after it was received', async (t) => {
  const receive = { name: 'receive', payload: visitBody, now: T0 };
  refuses(t, () => run(visitLifecycle, [{ ...receive, payload: { ...visitBody, category: 'noise' } }]), 'INVALID_COMMAND', {
    field: 'category',
    allowed: ['inquiry', 'fees', 'renovation', 'suggestion', 'other'],
  });
  refuses(t, () => run(visitLifecycle, [receive, { name: 'refer', payload: { department: 'legal' }, now: T0 }]), 'INVALID_COMMAND', {
    field: 'department',
    allowed: ['engineering', 'security', 'cleaning', 'greening', 'customer_service', 'finance'],
  });
  const referred = [receive, { name: 'refer', payload: { department: 'engineering' }, now: T0 }];
  refuses(t, () => run(visitLifecycle, [...referred, { name: 'refer', payload: { department: 'engineering' }, now: T0 }]), 'TRANSITION_NOT_ALLOWED', {
    command: 'refer',
    state: 'referred',
    allowed: ['answer', 'refer', 'close'],
  });
  refuses(
    t,
    () => run(visitLifecycle, [receive, { name: 'answer', payload: { answer: '已答复' }, now: '2026-09-10T02:10:00Z', occurredAt: '2026-09-10T01:55:00Z' }]),
    'OCCURRED_AT_REFUSED',
    { field: 'occurredAt', reason: 'before_previous_event' },
  );
  refuses(t, () => run(visitLifecycle, [receive, { name: 'close', payload: {}, now: T0 }]), 'TRANSITION_NOT_ALLOWED', {
    state: 'received',
    allowed: ['answer', 'refer'],
  });
  const answered = run(visitLifecycle, [...referred, { name: 'answer', payload: { answer: '工程部已回复' }, now: '2026-09-10T05:00:00Z' }]).state.snapshot
    .facts;
  t.equal(answered.answeredAt, T0, 'the referral answered the visitor first: the reception clock stopped then');
});
