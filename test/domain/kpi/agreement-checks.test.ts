import t from 'tap';
import { archiveCheck, inspection, report } from './agreement-records-fixture.js';

// The two KPIs of checks: owner records found right, spot checks passed.

t.test('archive.accuracy and inspection.pass_rate: the checks of the period, by the local day checked', async (t) => {
  const checked = (id: string, now: string, correct: boolean) =>
    archiveCheck(id, [
      { name: 'record', payload: { propertyId: 'demo', unit: `1-1-10${id.slice(1)}`, correct, ...(correct ? {} : { wrongFields: ['phone'] }) }, now },
    ]);
  const archive = [
    checked('a1', '2026-09-03T02:00:00Z', true),
    checked('a2', '2026-09-04T02:00:00Z', true),
    archiveCheck('a3', [
      { name: 'record', payload: { propertyId: 'demo', unit: '1-1-103', correct: false, wrongFields: ['ownerName'] }, now: '2026-09-05T02:00:00Z' },
      { name: 'correct', payload: { note: '已更正' }, now: '2026-09-06T02:00:00Z' },
    ]),
    checked('a4', '2026-09-30T16:30:00Z', false), // 00:30 on 1 October, local
  ];
  t.equal(archive[3]!.receivedDate, '2026-10-01');
  t.match(
    report(archive, '2026-09', '2026-10-05T00:00:00Z')['archive.accuracy'],
    {
      measure: 'checks',
      numerator: 2,
      denominator: 3,
      pending: 0,
      value: 2 / 3,
      met: false,
      failingCaseIds: ['a3'],
    },
    'a record corrected later was still wrong when checked',
  );
  t.match(report(archive.slice(0, 2), '2026-09', '2026-10-05T00:00:00Z')['archive.accuracy'], { numerator: 2, denominator: 2, met: true });
  t.match(report(archive, '2026-10', '2026-10-05T00:00:00Z')['archive.accuracy'], { numerator: 0, denominator: 1, failingCaseIds: ['a4'] });

  const spotCheck = (i: number, passed: boolean) =>
    inspection(`i${i}`, [
      {
        name: 'record',
        payload: { propertyId: 'demo', procedure: '投诉受理规程', passed, ...(passed ? {} : { findings: '未登记来电时间' }) },
        now: `2026-09-${String(1 + (i % 28)).padStart(2, '0')}T02:00:00Z`,
      },
    ]);
  const checks = Array.from({ length: 25 }, (_, i) => spotCheck(i, i !== 3 && i !== 17));
  t.match(
    report(checks, '2026-09', '2026-10-05T00:00:00Z')['inspection.pass_rate'],
    {
      measure: 'checks',
      numerator: 23,
      denominator: 25,
      value: 0.92,
      met: true,
      failingCaseIds: ['i17', 'i3'],
    },
    '23 of 25 meets ≥ 92 % exactly',
  );
  t.match(
    report(checks.slice(1), '2026-09', '2026-10-05T00:00:00Z')['inspection.pass_rate'],
    { numerator: 22, denominator: 24, met: false },
    '22 of 24 does not',
  );
});
