import t from 'tap';
import { buildHarness, owner, type Harness } from '../api/harness.js';

// A report as of an instant before a migration: the records imported since are named, not a silent 0/0,
// and can be judged by when they happened.

const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner };
const rows = (caseRef: string, day: string) => [
  { caseRef, caseType: 'complaint', action: 'receive', occurredAt: `${day}T01:00:00Z`, actor: 'li.na', role: 'frontdesk', ...complaint },
  { caseRef, caseType: 'complaint', action: 'acknowledge', occurredAt: `${day}T01:30:00Z`, actor: 'li.na', role: 'frontdesk' },
];
const importAt = async (h: Harness, now: string, body: unknown[]) => {
  await h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now } });
  const response = await h.inject('POST', '/v1/admin/import', { as: 'admin', body });
  if (response.statusCode !== 200 || response.json().eventsWritten === 0) throw new Error(response.body);
};
const timely = (report: { kpis: Array<{ id: string }> }) => report.kpis.find((k) => k.id === 'complaint.timely_handling');

t.test('an as-of report over a migrated period says how many records were imported after it, and when', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  await importAt(h, '2026-03-02T01:00:00Z', [...rows('OLD-1', '2026-02-03'), ...rows('OLD-2', '2026-02-04')]);
  await importAt(h, '2026-03-03T02:00:00Z', rows('OLD-3', '2026-02-05'));
  await importAt(h, '2026-03-03T03:00:00Z', rows('OLD-4', '2026-03-01')); // another period

  const url = '/v1/audit/compliance?propertyId=demo&period=2026-02&asOf=2026-03-01T00:00:00Z';
  const plain = (await h.inject('GET', url, { as: 'auditor' })).json();
  t.match(plain.imported, {
    records: 3,
    firstImportedAt: '2026-03-02T01:00:00Z',
    lastImportedAt: '2026-03-03T02:00:00Z',
    judgedBy: 'recordedAt',
    note: /^3 record\(s\) of 2026-02 were imported after 2026-03-01T00:00:00Z .*judgeImportedByOccurrence=true/,
  });
  t.match(timely(plain.then), { numerator: 0, denominator: 0 }, 'then, by what the engine held: nothing');
  t.match(timely(plain.current), { numerator: 3, denominator: 3 });
  t.match(plain.differences.find((d: { id: string }) => d.id === 'complaint.timely_handling').cases, [
    {
      before: 'absent',
      after: 'success',
      reason: 'imported_after',
      detail: /imported 2026-03-02T01:00:00Z, after 2026-03-01T00:00:00\.000Z; it happened 2026-02-03T01:00:00Z/,
    },
  ]);

  const judged = (await h.inject('GET', `${url}&judgeImportedByOccurrence=true`, { as: 'auditor' })).json();
  t.match(judged.imported, { records: 3, judgedBy: 'occurredAt', note: /count by when they happened/ });
  t.match(timely(judged.then), { numerator: 3, denominator: 3 }, 'judged by when they happened');
  t.same(judged.differences.find((d: { id: string }) => d.id === 'complaint.timely_handling')?.cases ?? [], [], 'then and now agree');

  const before = (await h.inject('GET', '/v1/audit/compliance?propertyId=demo&period=2026-01&asOf=2026-03-01T00:00:00Z', { as: 'auditor' })).json();
  t.same(before.imported, { records: 0, firstImportedAt: null, lastImportedAt: null, judgedBy: 'recordedAt', note: null }, 'a period without imported records');
  t.equal((await h.inject('GET', `${url}&judgeImportedByOccurrence=yes`, { as: 'auditor' })).statusCode, 400);
});
