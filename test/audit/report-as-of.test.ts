import t from 'tap';
import { buildHarness, createCase, drive, type Harness } from '../api/harness.js';

const at = (h: Harness, now: string) => h.inject('PUT', '/v1/admin/clock', { as: 'admin', body: { now } });

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
  t.match(body, { asOf: '2026-03-02T03:05:00Z', now: '2026-03-02T05:00:00Z', then: { asOf: '2026-03-02T03:05:00Z' }, current: { asOf: '2026-03-02T05:00:00Z' } });
  const kpi = (id: string) => body.differences.find((d: { id: string }) => d.id === id);
  const reasons = (id: string) => Object.fromEntries(kpi(id).cases.map((c: { caseId: string; reason: string; before: string; after: string }) => [c.caseId, [c.before, c.after, c.reason]]));
  t.same(reasons('complaint.timely_handling'), {
    [late]: ['failure', 'success', 'late_entry'],
    [lapsing]: ['pending', 'failure', 'deadline_passed'],
    [newer]: ['absent', 'pending', 'received_after'],
  });
  t.same(reasons('complaint.resolution_rate'), {
    [reopened]: ['success', 'failure', 'reopened'],
    [newer]: ['absent', 'failure', 'received_after'],
  });
  t.match(kpi('complaint.timely_handling'), { before: { numerator: 1, denominator: 2, pending: 1 }, after: { numerator: 2, denominator: 3, pending: 1 }, change: { numerator: 1, denominator: 1, pending: 0 } });
  const lateCase = kpi('complaint.timely_handling').cases.find((c: { caseId: string }) => c.caseId === late);
  t.match(lateCase, { detail: /claiming 2026-03-02T02:50:00Z/, eventsSince: [{ type: 'ComplaintHandlingStarted', recordedAt: '2026-03-02T03:10:00Z' }] });
  t.equal((await h.inject('GET', '/v1/audit/compliance?propertyId=demo&period=2026-03', { as: 'manager' })).statusCode, 403);
});
