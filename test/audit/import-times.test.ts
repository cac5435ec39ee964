import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { buildHarness, owner } from '../api/harness.js';

const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner };
const receive = (caseRef: string, occurredAt: string) => ({
  caseRef,
  caseType: 'complaint',
  action: 'receive',
  occurredAt,
  actor: 'li.na',
  role: 'frontdesk',
  fields: complaint,
});
const acknowledge = (caseRef: string, occurredAt: string) => ({
  caseRef,
  caseType: 'complaint',
  action: 'acknowledge',
  occurredAt,
  actor: 'li.na',
  role: 'frontdesk',
});
const lines = (...rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

type Harness = Awaited<ReturnType<typeof buildHarness>>;
const post = (h: Harness, body: string, query = '') =>
  h.inject('POST', `/v1/admin/import${query}`, { as: 'admin', raw: body, headers: { 'content-type': 'application/x-ndjson' } });
const occurredAts = async (h: Harness, caseRef: string) =>
  (await h.inject('GET', `/v1/complaints/${importedCaseId('complaint', caseRef)}/events`, { as: 'auditor' }))
    .json()
    .events.map((e: { metadata: { occurredAt: string } }) => new Date(e.metadata.occurredAt).toISOString());

t.test('a time without an offset is refused with its row, column, value and a hint, unless the batch says how to read it', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const file = lines(receive('LT-1', '2025-11-03 09:12'), acknowledge('LT-1', '2025-11-03T09:40:00'));
  const before = await h.eventCount();
  const refused = (await post(h, file)).json();
  t.match(refused, { cases: { imported: 0 }, eventsWritten: 0 });
  t.match(refused.rejected, [
    {
      row: 1,
      caseRef: 'LT-1',
      field: 'occurredAt',
      code: 'TIME_WITHOUT_OFFSET',
      value: '2025-11-03 09:12',
      hint: /timeZone=property.*IANA zone/,
      message: /2025-11-03 09:12 has no offset/,
    },
    { row: 2, field: 'occurredAt', code: 'TIME_WITHOUT_OFFSET', value: '2025-11-03T09:40:00' },
  ]);
  t.equal(await h.eventCount(), before, 'nothing written');
  const garbled = (await post(h, lines(receive('LT-0', '3 Nov 2025 9:12')))).json();
  t.match(
    garbled.rejected,
    [{ row: 1, field: 'occurredAt', value: '3 Nov 2025 9:12', hint: /with its offset/ }],
    'an unreadable time shows its value and the hint too',
  );

  const byProperty = (await post(h, file, '?timeZone=property')).json();
  t.match(byProperty, { cases: { imported: 1 }, eventsWritten: 2, rejected: [] });
  t.same(await occurredAts(h, 'LT-1'), ['2025-11-03T01:12:00.000Z', '2025-11-03T01:40:00.000Z'], "read in the property's zone, Asia/Shanghai");

  const alone = (await post(h, lines(acknowledge('LT-9', '2025-11-03 10:00')), '?timeZone=property')).json();
  t.match(
    alone.rejected,
    [{ row: 1, code: 'TIME_WITHOUT_OFFSET', message: /no row of case LT-9 in the file names its property/ }],
    'a case whose property the file does not name has no zone',
  );

  // A property the rules lack is named once, on the row that names it; the case's other local times are held back with it.
  const elsewhere = { ...receive('LT-7', '2025-11-03 09:12'), fields: { ...complaint, propertyId: 'nowhere' } };
  const unnamed = (
    await post(h, lines(elsewhere, acknowledge('LT-7', '2025-11-03 09:40'), acknowledge('LT-7', '2025-13-03 09:50')), '?timeZone=property')
  ).json();
  t.match(unnamed, {
    cases: { imported: 0 },
    rejected: [
      { row: 1, caseRef: 'LT-7', field: 'fields.propertyId', code: 'INVALID_COMMAND', value: 'nowhere', message: /unknown property "nowhere"/ },
      { row: 3, caseRef: 'LT-7', field: 'occurredAt', code: 'TIME_INVALID', value: '2025-13-03 09:50' },
    ],
    heldBack: [{ row: 2, caseRef: 'LT-7', reason: /property nowhere is not in the rules/ }],
  });
  t.equal(unnamed.rejected.length, 2, 'not a time without an offset on every row');

  const inZone = (await post(h, lines(receive('LT-2', '2025-07-01 09:00'), acknowledge('LT-2', '2025-07-01T13:30:00Z')), '?timeZone=America/New_York')).json();
  t.match(inZone, { cases: { imported: 1 }, rejected: [] });
  t.same(await occurredAts(h, 'LT-2'), ['2025-07-01T13:00:00.000Z', '2025-07-01T13:30:00.000Z'], 'in the zone named; a time with an offset keeps it');

  const unknown = await post(h, file, '?timeZone=Mars/Olympus_Mons');
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json(), { code: 'INVALID_COMMAND', field: 'timeZone', detail: /unknown time zone Mars\/Olympus_Mons/ });
});

t.test('a local time in a daylight-saving gap or overlap is refused, naming the offsets', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const before = await h.eventCount();
  const result = (await post(h, lines(receive('DST-1', '2025-03-09 02:30'), receive('DST-2', '2025-11-02 01:30')), '?timeZone=America/New_York')).json();
  t.match(result, { cases: { imported: 0 }, eventsWritten: 0 });
  t.match(result.rejected, [
    {
      row: 1,
      field: 'occurredAt',
      code: 'TIME_SKIPPED',
      value: '2025-03-09 02:30',
      message: /did not exist in America\/New_York: the clocks went from -05:00 to -04:00/,
    },
    { row: 2, field: 'occurredAt', code: 'TIME_AMBIGUOUS', value: '2025-11-02 01:30', message: /happened twice in America\/New_York, at -04:00 and at -05:00/ },
  ]);
  t.equal(await h.eventCount(), before);
  const resolved = (await post(h, lines(receive('DST-2', '2025-11-02T01:30:00-05:00')), '?timeZone=America/New_York')).json();
  t.match(resolved, { cases: { imported: 1 }, rejected: [] }, 'with its offset it is accepted');
});
