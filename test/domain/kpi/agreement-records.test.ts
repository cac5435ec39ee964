import t from 'tap';
import { activityLifecycle } from '../../../src/domain/activity/lifecycle.js';
import { archiveCheckLifecycle } from '../../../src/domain/archive-check/lifecycle.js';
import type { Lifecycle } from '../../../src/domain/case/definition.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import type { RecordType } from '../../../src/domain/records.js';
import { feeLedgerLifecycle } from '../../../src/domain/fee/lifecycle.js';
import { inspectionLifecycle } from '../../../src/domain/inspection/lifecycle.js';
import { kpiRecordOf } from '../../../src/domain/kpi/outcome.js';
import type { KpiRecord } from '../../../src/domain/kpi/record.js';
import { parsePeriod } from '../../../src/domain/kpi/period.js';
import { complianceReport, type KpiFigure } from '../../../src/domain/kpi/report.js';
import { kpiIds } from '../../../src/domain/ruleset/schema.js';
import { rulesetOf } from '../../../src/domain/records.js';
import type { Ruleset } from '../../../src/domain/ruleset/ruleset.js';
import { visitLifecycle } from '../../../src/domain/visit/lifecycle.js';
import { activityBody, billBody, complaintBody, run, sampleRuleset, visitBody } from '../case/fixtures.js';

// The six KPIs of the agreement's further lines on hand-made records: numerator, denominator,
// pending, value, met and the records listed as failing, each as docs/kpis.md defines it.

type Step = { name: string; payload?: unknown; now: string; occurredAt?: string };
const recordOf =
  <F>(lifecycle: Lifecycle<F>, caseType: RecordType, ruleset: Ruleset = sampleRuleset) =>
  (id: string, steps: Step[]): KpiRecord =>
    kpiRecordOf(caseType, id, run(lifecycle, steps, { ruleset }, id).state.snapshot.facts, ruleset);

const visit = recordOf(visitLifecycle, 'visit');
const fee = recordOf(feeLedgerLifecycle, 'fee');
const archiveCheck = recordOf(archiveCheckLifecycle, 'archive_check');
const inspection = recordOf(inspectionLifecycle, 'inspection');
const complaint = recordOf(complaintLifecycle, 'complaint');

const report = (records: KpiRecord[], period: string, asOf: string, propertyId = 'demo'): Record<string, KpiFigure> =>
  Object.fromEntries(
    complianceReport({
      propertyId,
      period: parsePeriod(period),
      asOf,
      timeZone: 'Asia/Shanghai',
      agreement: sampleRuleset.property(propertyId)!.agreementRules,
      rulesetVersion: sampleRuleset.version,
      cases: records,
    }).kpis.map((k) => [k.id, k]),
  );

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

const held = (id: string, heldOn: string, participants = 400, propertyId = 'demo', ruleset: Ruleset = sampleRuleset) =>
  recordOf(
    activityLifecycle,
    'activity',
    ruleset,
  )(id, [{ name: 'record', payload: { ...activityBody, propertyId, heldOn, participants }, now: `${heldOn}T10:00:00Z` }]);

t.test('activity.count: each month of the period, met with perMonth activities; a month without any is a failure once it ends', async (t) => {
  const activities = [held('jul', '2026-07-15'), held('sep', '2026-09-10')];
  t.match(
    report(activities, '2026-Q3', '2026-10-01T00:00:00Z')['activity.count'],
    {
      measure: 'months',
      perMonth: 1,
      numerator: 2,
      denominator: 3,
      pending: 0,
      value: 2 / 3,
      met: false,
      failingCaseIds: ['2026-08'],
    },
    'August had none: a month that failed, listed by its id',
  );
  // As of 20 August only July's activity had been recorded.
  t.match(
    report(activities.slice(0, 1), '2026-Q3', '2026-08-20T00:00:00Z')['activity.count'],
    {
      numerator: 1,
      denominator: 1,
      pending: 2,
      pendingCaseIds: ['2026-08', '2026-09'],
      met: true,
    },
    'August and September pending while they have not ended',
  );

  t.match(report([], '2026-09', '2026-09-30T15:59:59.999Z')['activity.count'], {
    numerator: 0,
    denominator: 0,
    pending: 1,
    value: null,
    met: null,
    pendingCaseIds: ['2026-09'],
  });
  t.match(
    report([], '2026-09', '2026-09-30T16:00:00Z')['activity.count'],
    { numerator: 0, denominator: 1, pending: 0, value: 0, met: false, failingCaseIds: ['2026-09'] },
    'no activity in September: not met (not "no data") from 00:00 on 1 October, local',
  );
  t.match(
    report([held('late-sep', '2026-09-30')], '2026-09', '2026-09-30T15:00:00Z')['activity.count'],
    { numerator: 1, denominator: 1, pending: 0, met: true },
    'met as soon as the month has its activity',
  );
});

t.test('activity.count with perMonth 2 (riverside-2026)', async (t) => {
  const riverside = [held('r1', '2026-09-05', 300, 'riverside'), held('r2', '2026-09-20', 300, 'riverside'), held('r3', '2026-10-08', 300, 'riverside')];
  t.match(report(riverside, '2026-09', '2026-10-01T00:00:00Z', 'riverside')['activity.count'], { perMonth: 2, numerator: 1, denominator: 1, met: true });
  t.match(
    report(riverside, '2026-10', '2026-10-20T00:00:00Z', 'riverside')['activity.count'],
    { numerator: 0, denominator: 0, pending: 1 },
    'one of two: pending while October lasts',
  );
  t.match(report(riverside, '2026-10', '2026-11-01T00:00:00Z', 'riverside')['activity.count'], {
    numerator: 0,
    denominator: 1,
    met: false,
    failingCaseIds: ['2026-10'],
  });
  t.match(
    report(riverside, '2026-10', '2026-11-01T00:00:00Z')['activity.count'],
    { perMonth: 1, denominator: 1, failingCaseIds: ['2026-10'] },
    "another property's activities do not count for demo",
  );
});

t.test('activity.participation: households that took part over households, summed; an activity below the target listed', async (t) => {
  const activities = [held('fair', '2026-09-05', 480), held('quiet', '2026-09-20', 240)];
  t.match(
    report(activities, '2026-09', '2026-10-01T00:00:00Z')['activity.participation'],
    {
      measure: 'households',
      numerator: 720,
      denominator: 2_400,
      pending: 0,
      value: 0.3,
      met: true,
      failingCaseIds: ['quiet'],
    },
    '480 + 240 of 1200 + 1200: exactly 30 %, met, while the 20 % activity is listed',
  );
  const corrected = recordOf(activityLifecycle, 'activity')('quiet', [
    { name: 'record', payload: { ...activityBody, heldOn: '2026-09-20', participants: 240 }, now: '2026-09-20T10:00:00Z' },
    { name: 'correct-participation', payload: { participants: 360, reason: '补录签到表' }, now: '2026-09-21T10:00:00Z' },
  ]);
  t.match(
    report([activities[0]!, corrected], '2026-09', '2026-10-01T00:00:00Z')['activity.participation'],
    { numerator: 840, denominator: 2_400, failingCaseIds: [] },
    'the corrected count',
  );
  t.match(
    report([held('r-at', '2026-09-05', 215, 'riverside'), held('r-below', '2026-09-06', 214, 'riverside')], '2026-09', '2026-10-01T00:00:00Z', 'riverside')[
      'activity.participation'
    ],
    {
      numerator: 429,
      denominator: 1_720,
      failingCaseIds: ['r-below'],
      met: false,
    },
    'riverside: 860 households, 25 % target',
  );

  // A ruleset whose property states no households (its agreement does not measure participation):
  // an activity recorded under it cannot be judged against the demo agreement's 30 %.
  const files = { ...sampleRuleset.files } as Record<string, Record<string, unknown>>;
  const properties = (files['properties.yaml']!.properties as Array<Record<string, unknown>>).map(({ households: _, ...p }) => p);
  const agreement = files['agreements/demo-2026.yaml']!;
  const withoutHouseholds = rulesetOf({
    ...files,
    'properties.yaml': { properties },
    'agreements/demo-2026.yaml': { ...agreement, kpis: (agreement.kpis as Array<{ id: string }>).filter((k) => k.id !== 'activity.participation') },
    'agreements/riverside-2026.yaml': { ...files['agreements/riverside-2026.yaml'], kpis: [{ id: 'callback.rate', target: 1 }] },
  });
  const unjudged = held('no-households', '2026-09-12', 300, 'demo', withoutHouseholds);
  t.match(unjudged, { households: null, participants: 300 });
  t.match(report([activities[0]!, unjudged], '2026-09', '2026-10-01T00:00:00Z')['activity.participation'], {
    numerator: 480,
    denominator: 1_200,
    pending: 1,
    pendingCaseIds: ['no-households'],
    undeterminedCaseIds: ['no-households'],
  });
});

t.test('archive.accuracy and inspection.pass_rate: the checks of the period, by the local day checked', async (t) => {
  const checked = (id: string, now: string, correct: boolean) =>
    archiveCheck(id, [{ name: 'record', payload: { propertyId: 'demo', unit: id, correct, ...(correct ? {} : { wrongFields: ['phone'] }) }, now }]);
  const archive = [
    checked('a1', '2026-09-03T02:00:00Z', true),
    checked('a2', '2026-09-04T02:00:00Z', true),
    archiveCheck('a3', [
      { name: 'record', payload: { propertyId: 'demo', unit: 'a3', correct: false, wrongFields: ['ownerName'] }, now: '2026-09-05T02:00:00Z' },
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

t.test("the demo report for 2026-09 lists all thirteen KPIs, in the agreement's order", async (t) => {
  const k = report([], '2026-09', '2026-10-01T00:00:00Z');
  t.same(Object.keys(k), [...kpiIds]);
  t.same(
    Object.values(k).map((f) => f.measure),
    ['cases', 'cases', 'cases', 'cases', 'cases', 'cases', 'ratings', 'cases', 'fen', 'months', 'households', 'checks', 'checks'],
  );
});
