import t from 'tap';
import { buildHarness, createCase, drive, type Harness } from '../api/harness.js';
import { record } from './requests.js';

const at = (h: Harness, now: string) => h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now } });

t.test('the report as of an instant next to the report now, each difference explained by its cases', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const late = await createCase(h, 'complaint'); // 01:00, due 03:00
  const reopened = await createCase(h, 'complaint');
  await drive(h, 'complaint', reopened, ['acknowledge', 'resolve']);
  await at(h, '2026-03-02T02:00:00Z');
  const lapsing = await createCase(h, 'complaint'); // 02:00, due 04:00
  await at(h, '2026-03-02T03:10:00Z');
  // Entered at 03:10: handling started 02:50 (within the allowance).
  await h.inject('POST', `/v1/complaints/${late}/acknowledge`, { as: 'frontdesk', body: { occurredAt: '2026-03-02T02:50:00Z' } });
  await drive(h, 'complaint', reopened, ['reopen']);
  const newer = await createCase(h, 'complaint'); // 03:10, due 05:10: pending at 05:00
  await at(h, '2026-03-02T05:00:00Z');

  const response = await h.inject('GET', '/v1/audit/compliance?propertyId=demo&period=2026-03&asOf=2026-03-02T03:05:00Z', { as: 'auditor' });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  const body = response.json();
  t.match(body, {
    asOf: '2026-03-02T03:05:00Z',
    now: '2026-03-02T05:00:00Z',
    // biome-ignore lint/suspicious/noThenProperty: the report's field, matched as sent.
    then: { asOf: '2026-03-02T03:05:00Z' },
    current: { asOf: '2026-03-02T05:00:00Z' },
  });
  const kpi = (id: string) => body.differences.find((d: { id: string }) => d.id === id);
  const reasons = (id: string) =>
    Object.fromEntries(kpi(id).cases.map((c: { caseId: string; reason: string; before: string; after: string }) => [c.caseId, [c.before, c.after, c.reason]]));
  t.same(reasons('complaint.timely_handling'), {
    [late]: ['failure', 'success', 'late_entry'],
    [lapsing]: ['pending', 'failure', 'deadline_passed'],
    [newer]: ['absent', 'pending', 'received_after'],
  });
  t.same(reasons('complaint.resolution_rate'), {
    [reopened]: ['success', 'failure', 'reopened'],
    [newer]: ['absent', 'failure', 'received_after'],
  });
  t.match(kpi('complaint.timely_handling'), {
    before: { numerator: 1, denominator: 2, pending: 1 },
    after: { numerator: 2, denominator: 3, pending: 1 },
    change: { numerator: 1, denominator: 1, pending: 0 },
  });
  const lateCase = kpi('complaint.timely_handling').cases.find((c: { caseId: string }) => c.caseId === late);
  t.match(lateCase, { detail: /claiming 2026-03-02T02:50:00Z/, eventsSince: [{ type: 'ComplaintHandlingStarted', recordedAt: '2026-03-02T03:10:00Z' }] });
  t.equal((await h.inject('GET', '/v1/audit/compliance?propertyId=demo&period=2026-03', { as: 'manager' })).statusCode, 403);
});

t.test('a fee paid after the instant: the report then and now differ by that ledger, explained; a month of activities too', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const bill = (unit: string, amountFen: number, dueDate: string) => ({ propertyId: 'demo', unit, period: '2026-03', amountFen, dueDate });
  const arrears = await record(h, '/v1/fees', bill('3-2-1201', 12000, '2026-03-05'));
  const paid = await record(h, '/v1/fees', bill('7-1-101', 8000, '2026-03-05'));
  const notDue = await record(h, '/v1/fees', bill('5-1-302', 9000, '2026-03-31'));
  await record(h, `/v1/fees/${paid}/pay`, { amountFen: 8000, method: 'wechat' });

  // 6 March, 08:00 in Beijing: the 5th has ended, the first ledger is in arrears.
  const asOf = '2026-03-06T00:00:00Z';
  await at(h, '2026-03-07T02:00:00Z');
  await record(h, `/v1/fees/${arrears}/pay`, { amountFen: 12000, method: 'cash', receipt: 'R-0307' }); // the arrears collected
  await record(h, `/v1/fees/${notDue}/pay`, { amountFen: 4000, method: 'cash' }); // still pending: due at the end of the month
  await record(h, '/v1/activities', { propertyId: 'demo', title: '植树活动', heldOn: '2026-03-07', participants: 400 }, 'frontdesk');

  const response = await h.inject('GET', `/v1/audit/compliance?propertyId=demo&period=2026-03&asOf=${asOf}`, { as: 'auditor' });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  const body = response.json();
  const kpi = (id: string) => body.differences.find((d: { id: string }) => d.id === id);
  const fees = kpi('fee.collection_rate');
  t.match(fees, {
    before: { numerator: 8000, denominator: 20000, pending: 1, met: false },
    after: { numerator: 20000, denominator: 20000, pending: 1, met: true },
    change: { numerator: 12000, denominator: 0, pending: 0 },
  });
  t.equal(fees.cases.length, 1, 'only the ledger paid since; the one still pending is pending on both sides');
  t.match(fees.cases[0], {
    caseId: arrears,
    caseType: 'fee',
    before: 'failure 0/12000',
    after: 'success 12000/12000',
    reason: 'recorded_since',
    detail: /FeePaid recorded since 2026-03-06T00:00:00/,
    eventsSince: [{ type: 'FeePaid', recordedAt: '2026-03-07T02:00:00Z' }],
  });
  t.equal(fees.cases[0].eventsSince.length, 1);
  t.match(
    body.then.kpis.find((k: { id: string }) => k.id === 'fee.collection_rate'),
    { measure: 'fen', failingCaseIds: [arrears], pendingCaseIds: [notDue] },
  );

  const months = kpi('activity.count');
  t.match(months, { before: { numerator: 0, denominator: 0, pending: 1 }, after: { numerator: 1, denominator: 1, pending: 0 } });
  t.same(
    months.cases.map((c: { caseId: string; caseType: string; before: string; after: string; reason: string }) => [
      c.caseId,
      c.caseType,
      c.before,
      c.after,
      c.reason,
    ]),
    [['2026-03', 'month', 'pending', 'success', 'recorded_since']],
    'the month is the record: an activity recorded in it since',
  );
  const participation = kpi('activity.participation');
  t.match(participation.cases, [{ caseType: 'activity', before: 'absent', after: 'success 400/1200', reason: 'received_after' }]);
  for (const d of body.differences.filter((x: { id: string }) => !['fee.collection_rate', 'activity.count', 'activity.participation'].includes(x.id))) {
    t.same(d.cases, [], `${d.id}: no record changed`);
  }

  // A quarter: January and February had no activity at either instant, a failure both times; only March changed.
  const quarter = (await h.inject('GET', `/v1/audit/compliance?propertyId=demo&period=2026-Q1&asOf=${asOf}`, { as: 'auditor' })).json();
  const quarterMonths = quarter.differences.find((d: { id: string }) => d.id === 'activity.count');
  t.match(quarterMonths, { before: { numerator: 0, denominator: 2, pending: 1 }, after: { numerator: 1, denominator: 3, pending: 0 } });
  t.same(
    quarterMonths.cases.map((c: { caseId: string }) => c.caseId),
    ['2026-03'],
  );
});

t.test('a month that ends between the instant and now, without an activity, is a failure now: its deadline passed', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  await at(h, '2026-04-01T02:00:00Z'); // 1 April, 10:00 in Beijing: March has ended
  const body = (await h.inject('GET', '/v1/audit/compliance?propertyId=demo&period=2026-03&asOf=2026-03-31T12:00:00Z', { as: 'auditor' })).json();
  const months = body.differences.find((d: { id: string }) => d.id === 'activity.count');
  t.match(months, { before: { denominator: 0, pending: 1 }, after: { numerator: 0, denominator: 1, pending: 0, met: false } });
  t.match(months.cases, [
    { caseId: '2026-03', caseType: 'month', before: 'pending', after: 'failure', reason: 'deadline_passed', detail: /the month ended after/ },
  ]);
});
