import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { buildDashboardHarness } from './dashboard-harness.js';
import { complaintBody, owner } from './harness.js';

t.test('the compliance CSV names each failing record by its work-order number, when it has one', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  // Imported without a number: the read model has none for it.
  const old = {
    caseRef: 'OLD-7',
    caseType: 'complaint',
    action: 'receive',
    occurredAt: '2026-03-01T01:00:00Z',
    actor: 'li.na',
    role: 'frontdesk',
    fields: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner },
  };
  const imported = await h.inject('POST', '/v1/admin/import', { as: 'admin', body: [old] });
  t.match(imported.json(), { cases: { imported: 1 } });
  const created = await h.inject('POST', '/v1/complaints', { body: complaintBody() });
  const { id, number } = created.json<{ id: string; number: string }>();
  await h.at('2026-03-02T04:00:00Z'); // past both responses' deadlines
  await h.caughtUp();

  const csv = await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03', { as: 'manager', headers: { accept: 'text/csv' } });
  t.equal(csv.statusCode, 200);
  const [header, ...lines] = csv.body
    .trim()
    .split('\r\n')
    .map((l) => l.split(','));
  const column = (name: string) => header!.indexOf(name);
  const handling = lines.find((l) => l[column('kpi')] === 'complaint.timely_handling')!;
  const ids = handling[column('failingCaseIds')]!.split(';');
  const numbers = handling[column('failingCaseNumbers')]!.split(';');
  t.same([...ids].sort(), [id, importedCaseId('complaint', 'OLD-7')].sort());
  t.equal(numbers.length, ids.length, 'one number for each id, in its order');
  t.equal(numbers[ids.indexOf(id)], number);
  t.equal(numbers[ids.indexOf(importedCaseId('complaint', 'OLD-7'))], '', 'blank for a record without a number');
  const met = lines.find((l) => l[column('failingCaseIds')] === '')!;
  t.equal(met[column('failingCaseNumbers')], '', 'no failing record, no numbers');
});

t.test('the compliance report tells each failing record its type and number, for a link to its page', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const created = await h.inject('POST', '/v1/complaints', { body: complaintBody() });
  const { id, number } = created.json<{ id: string; number: string }>();
  await h.at('2026-03-02T04:00:00Z'); // past the response deadline
  await h.caughtUp();
  const report = await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03', { as: 'manager' });
  t.equal(report.statusCode, 200);
  const handling = report
    .json<{ kpis: Array<{ id: string; failingCaseIds: string[]; failingCases: unknown[] }> }>()
    .kpis.find((k) => k.id === 'complaint.timely_handling')!;
  t.same(handling.failingCaseIds, [id]);
  t.same(handling.failingCases, [{ caseType: 'complaint', caseId: id, number }]);
});
