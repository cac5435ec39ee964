import t from 'tap';
import { kpiIds } from '../../../src/domain/ruleset/schema.js';
import { complaintBody, visitBody } from '../case/fixtures.js';
import { complaint, report, visit, type Step } from './agreement-records-fixture.js';

// The visit KPI, the callback and satisfaction KPIs beside visits, and the report's list of KPIs.

t.test('visit.reception_rate: answered or referred within 30 minutes of receipt', async (t) => {
  const received = (now: string): Step => ({ name: 'receive', payload: visitBody, now });
  const visits = [
    visit('in-time', [received('2026-09-10T02:00:00Z'), { name: 'answer', payload: { answer: '已说明' }, now: '2026-09-10T02:30:00Z' }]),
    visit('late', [received('2026-09-10T02:00:00Z'), { name: 'answer', payload: { answer: '已说明' }, now: '2026-09-10T02:30:01Z' }]),
    visit('referred', [
      received('2026-09-11T02:00:00Z'),
      { name: 'refer', payload: { department: 'engineering' }, now: '2026-09-11T02:10:00Z' },
      { name: 'answer', payload: { answer: '工程部已答复' }, now: '2026-09-12T02:00:00Z' },
      { name: 'close', payload: {}, now: '2026-09-12T02:05:00Z' },
    ]),
    // 23:50 on 30 September in Shanghai: a September visit, its deadline 00:20 on 1 October.
    visit('waiting', [received('2026-09-30T15:50:00Z')]),
    // 00:10 on 1 October in Shanghai: an October visit.
    visit('october', [received('2026-09-30T16:10:00Z')]),
  ];
  t.equal(visits[3]!.receivedDate, '2026-09-30');
  t.equal(visits[4]!.receivedDate, '2026-10-01');
  t.match(
    report(visits, '2026-09', '2026-09-30T16:20:00Z')['visit.reception_rate'],
    {
      measure: 'cases',
      numerator: 2,
      denominator: 3,
      pending: 1,
      value: 2 / 3,
      met: false,
      failingCaseIds: ['late'],
      pendingCaseIds: ['waiting'],
    },
    'pending while its deadline has not passed (inclusive)',
  );
  t.match(
    report(visits, '2026-09', '2026-09-30T16:20:00.001Z')['visit.reception_rate'],
    {
      numerator: 2,
      denominator: 4,
      pending: 0,
      value: 0.5,
      failingCaseIds: ['late', 'waiting'],
    },
    'unanswered once it has',
  );
  t.match(report(visits, '2026-10', '2026-10-01T00:00:00Z')['visit.reception_rate'], { numerator: 0, denominator: 1, failingCaseIds: ['october'] });
  t.match(report(visits.slice(0, 1), '2026-09', '2026-10-01T00:00:00Z')['visit.reception_rate'], { numerator: 1, denominator: 1, value: 1, met: true });
});

t.test('callback.rate and satisfaction.rate count complaints and repairs, never visits', async (t) => {
  const at = (minutes: number) => new Date(Date.parse('2026-09-10T02:00:00Z') + minutes * 60_000).toISOString();
  const closedComplaint = complaint('c', [
    { name: 'receive', payload: complaintBody, now: at(0) },
    { name: 'acknowledge', now: at(10) },
    { name: 'resolve', payload: { resolution: '已协调' }, now: at(60) },
    { name: 'callback', payload: { satisfaction: 'dissatisfied' }, now: at(90) },
    { name: 'escalate', payload: { reason: '向经理报告' }, now: at(95) },
    { name: 'close', payload: {}, now: at(100) },
  ]);
  const closedVisits = ['v1', 'v2'].map((id) =>
    visit(id, [
      { name: 'receive', payload: visitBody, now: at(0) },
      { name: 'answer', payload: { answer: '已说明' }, now: at(5) },
      { name: 'close', payload: {}, now: at(6) },
    ]),
  );
  const k = report([closedComplaint, ...closedVisits], '2026-09', '2026-10-01T00:00:00Z');
  t.match(k['callback.rate'], { numerator: 1, denominator: 1, failingCaseIds: [] }, 'closed visits have no callback to miss');
  t.match(k['satisfaction.rate'], { numerator: 0, denominator: 1, failingCaseIds: ['c'] });
  t.match(k['visit.reception_rate'], { numerator: 2, denominator: 2 });
});

t.test("the demo report for 2026-09 lists all thirteen KPIs, in the agreement's order", async (t) => {
  const k = report([], '2026-09', '2026-10-01T00:00:00Z');
  t.same(Object.keys(k), [...kpiIds]);
  t.same(
    Object.values(k).map((f) => f.measure),
    ['cases', 'cases', 'cases', 'cases', 'cases', 'cases', 'ratings', 'cases', 'fen', 'months', 'households', 'checks', 'checks'],
  );
});
