import t from 'tap';
import { buildHarness, createCase, sampleRuleset, type Harness } from '../api/harness.js';
import { record } from './requests.js';

const at = (h: Harness, now: string) => h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now } });
const snapshot = async (h: Harness) => JSON.stringify(await h.store.readAll(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** The sample rules with the complaint response SLA relaxed from 2 h to 3 h. */
const relaxedRules = async () => {
  const files = structuredClone((await sampleRuleset()).files) as Record<string, { policies?: Array<{ id: string; duration: unknown }> }>;
  files['sla.yaml']!.policies!.find((p) => p.id === 'complaint.response')!.duration = { kind: 'elapsed', hours: 3 };
  return files;
};

t.test('relaxing the complaint response SLA to 3 h flips exactly the cases answered between 2 and 3 hours, writing nothing', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  // All received at 01:00Z; handling starts after 1 h, 2 h (on the deadline), 2.5 h, 3 h (on the new one) and 3.5 h.
  const answeredAfter: Record<string, string> = { '1h': '02:00', '2h': '03:00', '2.5h': '03:30', '3h': '04:00', '3.5h': '04:30' };
  const ids: Record<string, string> = {};
  for (const key of Object.keys(answeredAfter)) ids[key] = await createCase(h, 'complaint');
  const unanswered = await createCase(h, 'complaint');
  for (const [key, time] of Object.entries(answeredAfter)) {
    await at(h, `2026-03-02T${time}:00Z`);
    const r = await h.inject('POST', `/v1/complaints/${ids[key]}/acknowledge`, { as: 'frontdesk', body: {} });
    t.equal(r.statusCode, 200);
  }
  await at(h, '2026-03-02T06:00:00Z');

  const before = await snapshot(h);
  const count = await h.eventCount();
  const response = await h.inject('POST', '/v1/audit/what-if', {
    as: 'auditor',
    body: { propertyId: 'demo', period: '2026-03', rules: { files: await relaxedRules() } },
  });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  const body = response.json();
  t.equal(await snapshot(h), before, 'the store is byte for byte unchanged');
  t.equal(await h.eventCount(), count);
  t.not(body.rulesetVersion.whatIf, body.rulesetVersion.actual);
  t.equal(body.cases, 6);

  const timely = body.differences.find((d: { id: string }) => d.id === 'complaint.timely_handling');
  t.same(timely.cases.map((c: { caseId: string }) => c.caseId).sort(), [ids['2.5h'], ids['3h']].sort(), 'exactly the cases answered after 2 h and up to 3 h');
  for (const c of timely.cases)
    t.match(c, {
      before: 'failure',
      after: 'success',
      caseType: 'complaint',
      deadline: { actual: '2026-03-02T03:00:00.000Z', whatIf: '2026-03-02T04:00:00.000Z' },
    });
  t.match(timely.before, { numerator: 2, denominator: 6 }, '1 h and 2 h met the actual SLA');
  t.ok(timely.before && timely.after.denominator === 6, 'the unanswered one fails under both: due 03:00 or 04:00, read at 06:00');
  t.match(timely.after, { numerator: 4, denominator: 6 });
  t.match(timely.change, { numerator: 2, denominator: 0, pending: 0 });
  t.notOk(timely.cases.some((c: { caseId: string }) => c.caseId === unanswered));
  for (const d of body.differences.filter((x: { id: string }) => x.id !== 'complaint.timely_handling')) t.same(d.cases, [], `${d.id} unchanged`);

  const bad = structuredClone(await relaxedRules()) as Record<string, { policies?: Array<{ id: string; duration: unknown }> }>;
  bad['sla.yaml']!.policies![0]!.duration = { kind: 'elapsed', hours: -1 };
  const invalid = await h.inject('POST', '/v1/audit/what-if', { as: 'admin', body: { propertyId: 'demo', period: '2026-03', rules: { files: bad } } });
  t.equal(invalid.statusCode, 422);
  t.match(invalid.json(), { code: 'RULESET_INVALID', issues: [{ file: 'sla.yaml', path: /^policies\[0\]\.duration/ }] });
  t.equal(await snapshot(h), before);
  t.equal(
    (await h.inject('POST', '/v1/audit/what-if', { as: 'manager', body: { propertyId: 'demo', period: '2026-03', rules: { files: {} } } })).statusCode,
    403,
  );
});

/** The sample rules with property demo under the riverside-2026 agreement: two activities a month, 25 % participation, 97 % collection. */
const demoUnderRiverside = async () => {
  const files = structuredClone((await sampleRuleset()).files) as Record<string, { properties?: Array<{ id: string; agreement: string }> }>;
  files['properties.yaml']!.properties!.find((p) => p.id === 'demo')!.agreement = 'riverside-2026';
  return files;
};

t.test('under another agreement: exactly the months and activities its targets judge otherwise flip; a fee figure flips with no ledger listed', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const activity = (heldOn: string, participants: number) =>
    record(h, '/v1/activities', { propertyId: 'demo', title: '社区活动', heldOn, participants }, 'frontdesk');
  // Of 1200 households. February: three activities; March: one.
  const febQuarter = await activity('2026-02-27', 300); // 25 %: short of 30 %, enough for 25 %
  const febMost = await activity('2026-02-28', 1000);
  const febFew = await activity('2026-02-28', 240); // 20 %: short of both
  const march = await activity('2026-03-02', 330); // 27.5 %
  const ledger = await record(h, '/v1/fees', { propertyId: 'demo', unit: '3-2-1201', period: '2026-03', amountFen: 10000, dueDate: '2026-03-25' });
  await record(h, `/v1/fees/${ledger}/pay`, { amountFen: 9600, method: 'transfer' }); // 96 %: above 95 %, below 97 %
  await at(h, '2026-04-02T02:00:00Z'); // March has ended, the ledger is overdue

  const count = await h.eventCount();
  const response = await h.inject('POST', '/v1/audit/what-if', {
    as: 'auditor',
    body: { propertyId: 'demo', period: '2026-Q1', rules: { files: await demoUnderRiverside() } },
  });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  t.equal(await h.eventCount(), count, 'nothing written');
  const body = response.json();
  t.match(body, { actual: { agreement: { id: 'demo-2026' } }, whatIf: { agreement: { id: 'riverside-2026' } }, cases: 5 });
  const kpi = (id: string) => body.differences.find((d: { id: string }) => d.id === id);
  const flips = (id: string) =>
    kpi(id).cases.map((c: { caseId: string; caseType: string; before: string; after: string }) => [c.caseId, c.caseType, c.before, c.after]);

  t.same(flips('activity.count'), [['2026-03', 'month', 'success', 'failure']], 'March had one activity: enough for one a month, not for two');
  t.match(
    kpi('activity.count'),
    { before: { numerator: 2, denominator: 3, met: false }, after: { numerator: 1, denominator: 3 } },
    'January had none under either',
  );
  t.match(
    body.whatIf.kpis.find((k: { id: string }) => k.id === 'activity.count'),
    { perMonth: 2, failingCaseIds: ['2026-01', '2026-03'] },
  );

  t.same(
    flips('activity.participation').sort(),
    [
      [febQuarter, 'activity', 'failure 300/1200', 'success 300/1200'],
      [march, 'activity', 'failure 330/1200', 'success 330/1200'],
    ].sort(),
    'the two between 25 % and 30 %; neither 20 % nor 83 %',
  );
  t.match(kpi('activity.participation'), {
    before: { numerator: 1870, denominator: 4800, target: 0.3 },
    after: { numerator: 1870, denominator: 4800, target: 0.25 },
  });
  t.ok(![febMost, febFew].some((id) => flips('activity.participation').some(([caseId]: [string]) => caseId === id)));

  t.same(kpi('fee.collection_rate').cases, [], 'the ledger fails under both: 400 fen still owed after its due date');
  t.match(kpi('fee.collection_rate'), {
    before: { numerator: 9600, denominator: 10000, met: true, target: 0.95 },
    after: { numerator: 9600, denominator: 10000, met: false, target: 0.97 },
  });
  for (const d of body.differences.filter((x: { id: string }) => !['activity.count', 'activity.participation'].includes(x.id)))
    t.same(d.cases, [], `${d.id}: no record flips`);
});

t.test('a visit reception clock of 60 min instead of 30: the visit answered at 45 min flips, shown with both deadlines', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const visit = { propertyId: 'demo', unit: '3-2-1201', category: 'inquiry', description: '咨询', channel: 'walk_in', visitor: { name: '赵' } };
  const quick = await record(h, '/v1/visits', visit, 'frontdesk');
  const slow = await record(h, '/v1/visits', visit, 'frontdesk');
  const never = await record(h, '/v1/visits', visit, 'frontdesk');
  await at(h, '2026-03-02T01:10:00Z');
  await record(h, `/v1/visits/${quick}/answer`, { answer: '已答复' }, 'frontdesk');
  await at(h, '2026-03-02T01:45:00Z');
  await record(h, `/v1/visits/${slow}/refer`, { department: 'engineering' }, 'frontdesk');
  await at(h, '2026-03-02T03:00:00Z');
  const files = structuredClone((await sampleRuleset()).files) as Record<string, { policies?: Array<{ id: string; duration: unknown }> }>;
  files['sla.yaml']!.policies!.find((p) => p.id === 'visit.response')!.duration = { kind: 'elapsed', minutes: 60 };
  const body = (await h.inject('POST', '/v1/audit/what-if', { as: 'auditor', body: { propertyId: 'demo', period: '2026-03', rules: { files } } })).json();
  const reception = body.differences.find((d: { id: string }) => d.id === 'visit.reception_rate');
  t.same(
    reception.cases,
    [
      {
        caseId: slow,
        caseType: 'visit',
        before: 'failure',
        after: 'success',
        deadline: { actual: '2026-03-02T01:30:00.000Z', whatIf: '2026-03-02T02:00:00.000Z' },
      },
    ],
    `neither ${quick}, answered in 10 min, nor ${never}, never answered`,
  );
  t.match(reception, { before: { numerator: 1, denominator: 3 }, after: { numerator: 2, denominator: 3 } });
});
