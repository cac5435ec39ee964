import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { buildHarness, owner } from '../api/harness.js';

const row = (caseRef: string, caseType: string, action: string, occurredAt: string, actor: string, role: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ caseRef, caseType, action, occurredAt, actor, role, fields });

const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner };
const repair = { propertyId: 'demo', location: '2-1-202', category: 'plumbing', complexity: 'general', description: '历史报修', owner };

const jsonl = [
  row('SRC-1', 'complaint', 'receive', '2026-02-10T01:00:00Z', 'li.na', 'frontdesk', complaint),
  row('SRC-1', 'complaint', 'acknowledge', '2026-02-10T01:30:00Z', 'li.na', 'frontdesk'),
  row('SRC-1', 'complaint', 'assign', '2026-02-10T02:00:00Z', 'wang.qiang', 'dispatcher', { department: 'engineering' }),
  row('SRC-2', 'repair', 'report', '2026-02-11T01:00:00Z', 'li.na', 'frontdesk', repair),
  row('SRC-2', 'repair', 'dispatch', '2026-02-11T01:10:00Z', 'wang.qiang', 'dispatcher', { technicianId: 'tech-3' }),
  row('SRC-3', 'complaint', 'receive', '2026-02-12T01:00:00Z', 'li.na', 'frontdesk', complaint),
  row('SRC-3', 'complaint', 'acknowledge', '2026-02-12T01:20:00Z', 'li.na', 'frontdesk'),
  row('SRC-3', 'complaint', 'resolve', '2026-02-12T05:00:00Z', 'li.na', 'frontdesk'), // no resolution note
  row('SRC-4', 'repair', 'report', '2026-02-13T01:00:00Z', 'li.na', 'frontdesk', repair),
  JSON.stringify({ caseRef: 'SRC-4', caseType: 'repair', action: 'dispatch', occurredAt: '2026-02-13T01:10:00Z', role: 'dispatcher', technicianId: 'tech-3' }), // no actor
  '{ not json',
  row('SRC-5', 'complaint', 'acknowledge', '2027-01-01T00:00:00Z', 'li.na', 'frontdesk'), // the future, and no receipt
].join('\n');

t.test('an import with good rows, bad rows and a second run that writes nothing', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const post = () => h.inject('POST', '/v1/admin/import', { as: 'admin', raw: jsonl, headers: { 'content-type': 'application/x-ndjson' } });
  const first = await post();
  t.equal(first.statusCode, 200, first.body.slice(0, 300));
  const report = first.json();
  t.match(report, { rows: 12, cases: { imported: 2, unchanged: 0, rejected: 3 }, eventsWritten: 5 });
  t.match(report.rejected, [
    { row: 8, caseRef: 'SRC-3', field: 'fields.resolution', code: 'INVALID_COMMAND' },
    { row: 10, field: 'actor' },
    { row: 11, field: 'row', message: /not valid JSON/ },
    { row: 12, caseRef: 'SRC-5' },
  ]);
  t.same(
    report.heldBack.map((r: { row: number }) => r.row),
    [6, 7, 9],
    'the good rows of rejected cases are held back',
  );
  await t.rejects(
    h.store.readStream(`complaint-${importedCaseId('complaint', 'SRC-3')}`),
    { code: 'STREAM_NOT_FOUND' },
    'a case with a bad row is not imported at all',
  );
  await t.rejects(h.store.readStream(`repair-${importedCaseId('repair', 'SRC-4')}`), { code: 'STREAM_NOT_FOUND' });

  const imported = await h.inject('GET', `/v1/complaints/${importedCaseId('complaint', 'SRC-1')}/events`, { as: 'auditor' });
  t.equal(imported.statusCode, 200);
  const events = imported.json().events;
  t.equal(events.length, 3);
  t.match(events[0].metadata, {
    imported: true,
    occurredAt: '2026-02-10T01:00:00Z',
    recordedAt: '2026-03-02T01:00:00Z',
    actor: { id: 'li.na', role: 'frontdesk' },
  });
  t.match(events[2].metadata, { actor: { id: 'wang.qiang', role: 'dispatcher' } });
  const view = (await h.inject('GET', `/v1/repairs/${importedCaseId('repair', 'SRC-2')}`, { as: 'auditor' })).json();
  t.match(
    view,
    { state: 'dispatched', clocks: [{ clock: 'response', status: 'met', stoppedAt: '2026-02-11T01:10:00Z' }] },
    'SLAs run on the trusted claimed times',
  );

  const count = await h.eventCount();
  const second = (await post()).json();
  t.match(second, { cases: { imported: 0, unchanged: 2, rejected: 3 }, eventsWritten: 0 });
  t.same(second.rejected, report.rejected, 'the same rows are rejected again');
  t.equal(await h.eventCount(), count, 'the second run writes nothing');
});

t.test('CSV with a fields column, a JSON array, a dry run, and who may import', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const csv = [
    'caseRef,caseType,action,occurredAt,actor,role,fields',
    `CSV-1,repair,report,2026-02-20T01:00:00Z,li.na,frontdesk,"${JSON.stringify(repair).replaceAll('"', '""')}"`,
    'CSV-1,repair,dispatch,2026-02-20T02:00:00Z,wang.qiang,dispatcher,"{""technicianId"":""tech-9""}"',
    'CSV-1,repair,accept,2026-02-20T02:05:00Z,tech-9,frontdesk,',
  ].join('\r\n');
  const rejected = (await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: csv, headers: { 'content-type': 'text/csv' } })).json();
  t.match(rejected, { cases: { imported: 0, rejected: 1 }, rejected: [{ row: 3, field: 'role', caseRef: 'CSV-1' }] }, 'a front desk may not accept a repair');
  const fixed = csv.replace('tech-9,frontdesk,', 'tech-9,technician,');
  const dry = (await h.inject('POST', '/v1/admin/import?dryRun=true', { as: 'admin', raw: fixed, headers: { 'content-type': 'text/csv' } })).json();
  t.match(dry, { dryRun: true, cases: { imported: 1 }, eventsWritten: 0 });
  const before = await h.eventCount();
  const done = (await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: fixed, headers: { 'content-type': 'text/csv' } })).json();
  t.match(done, { cases: { imported: 1 }, eventsWritten: 3, rejected: [] });
  t.equal(await h.eventCount(), before + 3);

  const array = [
    { caseRef: 'ARR-1', caseType: 'complaint', action: 'receive', occurredAt: '2026-02-21T01:00:00Z', actor: 'li.na', role: 'frontdesk', ...complaint },
  ];
  t.match(
    (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: array })).json(),
    { cases: { imported: 1 }, eventsWritten: 1 },
    'fields inline in a JSON row',
  );
  const elsewhere = [{ ...array[0], caseRef: 'ARR-2', propertyId: 'elsewhere' }];
  t.match(
    (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: elsewhere })).json(),
    { rejected: [{ row: 1, field: 'propertyId' }] },
    'a property the token does not cover',
  );
  t.equal((await h.inject('POST', '/v1/admin/import', { as: 'auditor', body: array })).statusCode, 403, 'admins only');
});
