import t from 'tap';
import { buildHarness, createCase, drive } from './harness.js';

const at = (h: Awaited<ReturnType<typeof buildHarness>>, now: string) => h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now } });

t.test('the compliance report as of before and after a late (back-dated) entry', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const id = await createCase(h, 'complaint'); // received 2026-03-02T01:00Z, response due 03:00Z
  await at(h, '2026-03-02T03:10:00Z');
  // The desk enters at 03:10 that handling started at 02:50: within the 30-minute back-dating allowance.
  const late = await h.inject('POST', `/v1/complaints/${id}/acknowledge`, { as: 'frontdesk', body: { occurredAt: '2026-03-02T02:50:00Z' } });
  t.equal(late.statusCode, 200);

  const before = await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03&asOf=2026-03-02T03:05:00Z', { as: 'manager' });
  t.equal(before.statusCode, 200, before.body);
  const kpi = (body: { kpis: Array<{ id: string }> }, id: string) => body.kpis.find((k) => k.id === id);
  t.match(
    kpi(before.json(), 'complaint.timely_handling'),
    { numerator: 0, denominator: 1, failingCaseIds: [id], met: false },
    'at 03:05 the engine knew of no handling and the deadline had passed',
  );
  const after = await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03', { as: 'auditor' });
  t.match(after.json(), {
    propertyId: 'demo',
    period: '2026-03',
    asOf: '2026-03-02T03:10:00.000Z',
    agreement: { id: 'demo-2026', version: /^sha256:/ },
    rulesetVersion: /^sha256:/,
  });
  t.match(kpi(after.json(), 'complaint.timely_handling'), { numerator: 1, denominator: 1, value: 1, met: true, failingCaseIds: [] });
  t.equal(after.json().kpis.length, 13, 'every KPI of the agreement');
});

t.test('CSV export, roles, property and bad queries', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const id = await createCase(h, 'repair');
  await drive(h, 'repair', id, ['dispatch', 'accept', 'arrive', 'complete', 'callback', 'close']);
  const csv = await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-Q1', { as: 'manager', headers: { accept: 'text/csv' } });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  const lines = csv.body.trim().split('\r\n');
  t.equal(
    lines[0],
    'propertyId,period,asOf,agreementId,agreementVersion,rulesetVersion,kpi,target,comparator,measure,numerator,denominator,pending,value,met,failingCaseIds,failingCaseNumbers',
  );
  t.equal(lines.length, 14);
  t.match(
    lines.find((l) => l.includes(',callback.rate,')),
    /,callback\.rate,1,>=,cases,1,1,0,1,true,,$/,
  );
  for (const role of ['frontdesk', 'dispatcher', 'technician'] as const) {
    t.equal((await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03', { as: role })).statusCode, 403, role);
  }
  t.equal((await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03', { as: 'none' })).statusCode, 401);
  const other = await h.inject('GET', '/v1/compliance?propertyId=elsewhere&period=2026-03', { as: 'manager' });
  t.equal(other.statusCode, 403);
  const badPeriod = await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-13', { as: 'manager' });
  t.match(badPeriod.json(), { status: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'querystring.period' }] });
  const unknown = await h.inject('GET', '/v1/compliance?propertyId=nowhere&period=2026-03', { as: 'adminAll' });
  t.match(unknown.json(), { status: 400, code: 'INVALID_COMMAND', field: 'propertyId' });
});
