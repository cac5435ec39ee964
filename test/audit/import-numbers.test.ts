import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { buildHarness, owner } from '../api/harness.js';

const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner };
const repair = { propertyId: 'demo', location: '2-1-202', category: 'plumbing', complexity: 'general', description: '历史报修', owner };
const receive = (caseRef: string, extra: Record<string, unknown> = {}) => ({
  caseRef,
  caseType: 'complaint',
  action: 'receive',
  occurredAt: '2026-02-10T01:00:00Z',
  actor: 'li.na',
  role: 'frontdesk',
  fields: complaint,
  ...extra,
});

t.test('an imported record keeps the number of the old system; one given none has none', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const rows = [
    receive('OLD-1', { number: 'WX2019-0312' }),
    { ...receive('OLD-1'), action: 'acknowledge', occurredAt: '2026-02-10T01:30:00Z', fields: {} },
    receive('OLD-2'),
  ];
  const report = (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: rows })).json();
  t.match(report, { cases: { imported: 2, rejected: 0 }, eventsWritten: 3, rejected: [] });
  const created = async (caseRef: string) =>
    (await h.inject('GET', `/v1/complaints/${importedCaseId('complaint', caseRef)}/events`, { as: 'auditor' })).json().events[0].data;
  t.equal((await created('OLD-1')).number, 'WX2019-0312', 'the creating event records it');
  t.notOk('number' in (await created('OLD-2')), 'not numbered when not given');
  const again = (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: rows })).json();
  t.match(again, { cases: { imported: 0, unchanged: 2 }, eventsWritten: 0 }, 'a second run finds the same cases');
});

t.test('a CSV number column, blank on the rows that create nothing', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const csv = [
    'caseRef,caseType,action,occurredAt,actor,role,number,fields',
    `CSV-9,repair,report,2026-02-20T01:00:00Z,li.na,frontdesk,BX-20190105-0007,"${JSON.stringify(repair).replaceAll('"', '""')}"`,
    'CSV-9,repair,dispatch,2026-02-20T02:00:00Z,wang.qiang,dispatcher,,"{""technicianId"":""tech-9""}"',
  ].join('\r\n');
  const report = (await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: csv, headers: { 'content-type': 'text/csv' } })).json();
  t.match(report, { cases: { imported: 1 }, eventsWritten: 2, rejected: [] });
  const events = (await h.inject('GET', `/v1/repairs/${importedCaseId('repair', 'CSV-9')}/events`, { as: 'auditor' })).json().events;
  t.equal(events[0].data.number, 'BX-20190105-0007');
});

t.test('a number of other characters, too long, or on a row that creates nothing is refused, with its row and field', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const rows = [
    receive('BAD-1', { number: 'WX 2019/0312' }),
    receive('BAD-2', { number: 'A'.repeat(41) }),
    receive('BAD-3'),
    { ...receive('BAD-3'), action: 'acknowledge', occurredAt: '2026-02-10T01:30:00Z', fields: {}, number: 'WX-1' },
    receive('GOOD', { number: 'A'.repeat(40) }),
  ];
  const report = (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: rows })).json();
  t.match(report, {
    cases: { imported: 1, rejected: 1 },
    rejected: [
      { row: 1, field: 'number', message: /1 to 40 letters, digits or dashes/ },
      { row: 2, field: 'number' },
      { row: 4, field: 'number', caseRef: 'BAD-3', message: /with the row that creates/ },
    ],
  });
  await t.rejects(h.store.readStream(`complaint-${importedCaseId('complaint', 'BAD-3')}`), { code: 'STREAM_NOT_FOUND' });
});
