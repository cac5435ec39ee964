import t from 'tap';
import { billBody } from '../case/fixtures.js';
import { fee, report, type Step } from './agreement-records-fixture.js';

// fee.collection_rate on fee ledgers: billed, paid, waived and refunded by amount.

t.test('fee.collection_rate: fen collected of fen due, per billing month', async (t) => {
  const bill = (payload: object = {}): Step => ({ name: 'bill', payload: { ...billBody, ...payload }, now: '2026-09-01T02:00:00Z' });
  const pay = (amountFen: number, now = '2026-09-20T02:00:00Z'): Step => ({ name: 'pay', payload: { amountFen, method: 'wechat' }, now });
  const waive = (amountFen: number): Step => ({ name: 'waive', payload: { amountFen, reason: '空置房减免' }, now: '2026-09-15T02:00:00Z' });
  const ledgers = [
    fee('partly-paid', [bill(), pay(6_000)]),
    fee('not-yet-due', [bill({ unit: '1-1-101', amountFen: 20_000, dueDate: '2026-10-15' })]),
    fee('part-waived', [bill({ unit: '1-1-102' }), waive(2_000), pay(8_000)]),
    fee('refunded', [
      bill({ unit: '1-1-103' }),
      pay(10_000),
      { name: 'refund', payload: { amountFen: 3_000, reason: '多收物业费' }, now: '2026-09-25T02:00:00Z' },
    ]),
    fee('all-waived', [bill({ unit: '1-1-104' }), waive(10_000)]),
    fee('paid', [bill({ unit: '1-1-105', amountFen: 12_345 }), pay(12_345)]),
    // August's ledger, paid in September: it counts in August.
    fee('august', [bill({ unit: '1-1-106', period: '2026-08', dueDate: '2026-08-31' }), pay(10_000)]),
  ];
  t.match(
    ledgers[0],
    { receivedDate: '2026-09-01', billedFen: 10_000, collectedFen: 6_000, waivedFen: 0, dueBy: Date.parse('2026-09-30T16:00:00Z') },
    'due at the end of the due date, local',
  );

  const october = report(ledgers, '2026-09', '2026-10-05T00:00:00Z')['fee.collection_rate']!;
  t.match(
    october,
    {
      measure: 'fen',
      numerator: 6_000 + 8_000 + 7_000 + 12_345,
      denominator: 10_000 + 8_000 + 10_000 + 12_345,
      pending: 1,
      pendingCaseIds: ['not-yet-due'],
      failingCaseIds: ['partly-paid', 'refunded'],
      met: false,
    },
    'a partial payment counts what it collected; a waiver lowers what is due; a refund lowers what was collected; a full waiver leaves the figure',
  );
  t.equal(october.value, 33_345 / 40_345);

  const beforeDue = report(ledgers, '2026-09', '2026-09-30T15:59:59.999Z')['fee.collection_rate'];
  t.match(
    beforeDue,
    { numerator: 8_000 + 12_345, denominator: 8_000 + 12_345, pending: 3, value: 1, met: true, failingCaseIds: [] },
    'before the due date, what is settled counts and what is not is pending',
  );
  t.same(beforeDue!.pendingCaseIds, ['not-yet-due', 'partly-paid', 'refunded']);
  t.match(
    report(ledgers, '2026-09', '2026-09-30T16:00:00Z')['fee.collection_rate'],
    { pending: 1, failingCaseIds: ['partly-paid', 'refunded'] },
    'in arrears from 00:00 after the due date',
  );
  t.match(report(ledgers, '2026-08', '2026-10-05T00:00:00Z')['fee.collection_rate'], { numerator: 10_000, denominator: 10_000, met: true });
  t.match(
    report([ledgers[4]!], '2026-09', '2026-10-05T00:00:00Z')['fee.collection_rate'],
    { numerator: 0, denominator: 0, pending: 0, value: null, met: null },
    'a bill waived in full is excluded',
  );

  const ninetyFive = [fee('a', [bill(), pay(9_500)]), fee('b', [bill({ unit: '1-1-101' }), pay(10_000)])];
  t.match(
    report(ninetyFive, '2026-09', '2026-10-05T00:00:00Z')['fee.collection_rate'],
    { numerator: 19_500, denominator: 20_000, value: 0.975, met: true, failingCaseIds: ['a'] },
    'by amount: 97.5 % collected meets 95 % although one ledger of two still owes',
  );
});
