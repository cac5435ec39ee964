import { readFile } from 'node:fs/promises';
import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { NO_CALLBACK_RECORDED, NOT_RECORDED } from '../../src/audit/import/summary-lifecycles.js';
import { buildHarness, type Harness } from '../api/harness.js';

const HEADER =
  'type,number,propertyId,unit,category,description,receivedAt,channel,ownerName,ownerPhone,department,technician,complexity,acknowledgedAt,dispatchedAt,arrivedAt,completedAt,callbackAt,satisfaction,closedAt';

/** A CSV line from the columns given; the others blank. */
const line = (cells: Record<string, string>) =>
  HEADER.split(',')
    .map((c) => cells[c] ?? '')
    .join(',');

const base = { propertyId: 'demo', unit: '1-1-101', description: '历史记录' };
const summaryCsv = (rows: Record<string, string>[], header = HEADER) => [header, ...rows.map(line)].join('\r\n');

const post = (h: Harness, csv: string, query = '') =>
  h.inject('POST', `/v1/admin/import?format=summary${query}`, { as: 'admin', raw: csv, headers: { 'content-type': 'text/csv' } });

const eventsOf = async (h: Harness, segment: string, type: string, number: string) => {
  // The front desk, who calls owners back, sees their contact unmasked.
  const response = await h.inject('GET', `/v1/${segment}/${importedCaseId(type as 'complaint', number)}/events`, { as: 'frontdesk' });
  return response.json().events as Array<{ type: string; data: Record<string, unknown>; metadata: { occurredAt: string; imported?: boolean } }>;
};

/** Each row, and exactly the events docs/migration.md says it expands to, with their times. */
const cases = [
  {
    row: {
      ...base,
      type: '投诉',
      number: 'TS2023-0001',
      category: '噪音扰民',
      receivedAt: '2023-05-04T09:00:00+08:00',
      channel: '电话',
      ownerName: '王建国',
      ownerPhone: '13800000001',
      acknowledgedAt: '2023-05-04T09:40:00+08:00',
      dispatchedAt: '2023-05-04T10:00:00+08:00',
      department: '工程部',
      completedAt: '2023-05-05T16:00:00+08:00',
      callbackAt: '2023-05-06T10:00:00+08:00',
      satisfaction: '不满意',
      closedAt: '2023-05-06T11:00:00+08:00',
    },
    segment: 'complaints',
    events: [
      ['ComplaintReceived', '2023-05-04T09:00:00+08:00'],
      ['ComplaintHandlingStarted', '2023-05-04T09:40:00+08:00'],
      ['ComplaintAssigned', '2023-05-04T10:00:00+08:00'],
      ['ComplaintResolved', '2023-05-05T16:00:00+08:00'],
      ['CallbackRecorded', '2023-05-06T10:00:00+08:00'],
      ['ComplaintClosed', '2023-05-06T11:00:00+08:00'],
    ],
  },
  {
    row: {
      ...base,
      type: 'complaint',
      number: 'TS2023-0002',
      category: 'noise',
      receivedAt: '2023-05-07T09:00:00+08:00',
      closedAt: '2023-05-09T09:00:00+08:00',
    },
    segment: 'complaints',
    events: [
      ['ComplaintReceived', '2023-05-07T09:00:00+08:00'],
      ['ComplaintClosed', '2023-05-09T09:00:00+08:00'],
    ],
  },
  {
    row: {
      ...base,
      type: '报修',
      number: 'BX2023-0001',
      category: '给排水',
      receivedAt: '2023-06-01T08:00:00+08:00',
      technician: 'tech-3',
      dispatchedAt: '2023-06-01T08:20:00+08:00',
      arrivedAt: '2023-06-01T09:00:00+08:00',
      completedAt: '2023-06-01T11:00:00+08:00',
      closedAt: '2023-06-02T09:00:00+08:00',
    },
    segment: 'repairs',
    events: [
      ['RepairReported', '2023-06-01T08:00:00+08:00'],
      ['RepairDispatched', '2023-06-01T08:20:00+08:00'],
      ['RepairArrived', '2023-06-01T09:00:00+08:00'],
      ['RepairCompleted', '2023-06-01T11:00:00+08:00'],
      ['RepairClosed', '2023-06-02T09:00:00+08:00'],
    ],
  },
  {
    row: {
      ...base,
      type: 'repair',
      number: 'BX2023-0002',
      category: 'plumbing',
      complexity: '复杂',
      receivedAt: '2023-06-03T08:00:00+08:00',
      completedAt: '2023-06-04T08:00:00+08:00',
      callbackAt: '2023-06-05T08:00:00+08:00',
      satisfaction: 'very_satisfied',
      closedAt: '2023-06-05T09:00:00+08:00',
    },
    segment: 'repairs',
    events: [
      ['RepairReported', '2023-06-03T08:00:00+08:00'],
      ['RepairCompleted', '2023-06-04T08:00:00+08:00'],
      ['CallbackRecorded', '2023-06-05T08:00:00+08:00'],
      ['RepairClosed', '2023-06-05T09:00:00+08:00'],
    ],
  },
  {
    row: { ...base, type: 'repair', number: 'BX2023-0003', category: 'electrical', receivedAt: '2023-06-06T08:00:00+08:00' },
    segment: 'repairs',
    events: [['RepairReported', '2023-06-06T08:00:00+08:00']],
  },
  {
    row: {
      ...base,
      type: '来访',
      number: 'LF2023-0001',
      category: '咨询',
      ownerName: '李女士',
      receivedAt: '2023-07-01T10:00:00+08:00',
      department: 'finance',
      dispatchedAt: '2023-07-01T10:10:00+08:00',
      completedAt: '2023-07-02T10:00:00+08:00',
      closedAt: '2023-07-02T10:30:00+08:00',
    },
    segment: 'visits',
    events: [
      ['VisitReceived', '2023-07-01T10:00:00+08:00'],
      ['VisitReferred', '2023-07-01T10:10:00+08:00'],
      ['VisitAnswered', '2023-07-02T10:00:00+08:00'],
      ['VisitClosed', '2023-07-02T10:30:00+08:00'],
    ],
  },
  {
    row: { ...base, type: 'visit', number: 'LF2023-0002', category: 'inquiry', receivedAt: '2023-07-03T10:00:00+08:00', closedAt: '2023-07-03T12:00:00+08:00' },
    segment: 'visits',
    events: [
      ['VisitReceived', '2023-07-03T10:00:00+08:00'],
      ['VisitClosed', '2023-07-03T12:00:00+08:00'],
    ],
  },
] as const;

t.test('each summary row expands to exactly the events of the steps it has times for, marked imported', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const response = await post(h, summaryCsv(cases.map((c) => c.row)));
  t.equal(response.statusCode, 200, response.body.slice(0, 400));
  const report = response.json();
  t.match(report, { shape: 'summary', rows: cases.length, cases: { imported: cases.length, rejected: 0 }, rejected: [], warnings: [] });
  t.equal(
    report.eventsWritten,
    cases.reduce((n, c) => n + c.events.length, 0),
  );
  for (const c of cases) {
    const events = await eventsOf(
      h,
      c.segment,
      c.row.type === '投诉' ? 'complaint' : c.row.type === '报修' ? 'repair' : c.row.type === '来访' ? 'visit' : c.row.type,
      c.row.number,
    );
    t.same(
      events.map((e) => [e.type, Date.parse(e.metadata.occurredAt)]),
      c.events.map(([type, at]) => [type, Date.parse(at)]),
      `${c.row.number}: ${c.events.map(([type]) => type).join(', ')}`,
    );
    t.ok(
      events.every((e) => e.metadata.imported === true),
      `${c.row.number}: every event marked imported`,
    );
    t.equal(events[0]!.data.number, c.row.number, `${c.row.number}: the number is the record's work-order number`);
  }

  const complaint = await eventsOf(h, 'complaints', 'complaint', 'TS2023-0001');
  t.match(complaint[0]!.data, { category: 'noise', channel: 'phone', owner: { name: '王建国', phone: '13800000001' } }, 'Chinese names read as the rules’ ids');
  t.match(complaint[2]!.data, { department: 'engineering' });
  t.same(complaint[3]!.data, { resolution: NOT_RECORDED }, 'a resolution the old system did not word is said to be so');
  t.same(complaint[4]!.data, { satisfaction: 'dissatisfied' });
  t.same(complaint[5]!.data, { withoutCallback: false }, 'closed after a dissatisfied callback: the old system’s close, not today’s follow-up rule');
  const unanswered = await eventsOf(h, 'complaints', 'complaint', 'TS2023-0002');
  t.same(unanswered[1]!.data, { withoutCallback: true, reason: NO_CALLBACK_RECORDED }, 'a close without callbackAt is a close without a callback');
  const repair = await eventsOf(h, 'repairs', 'repair', 'BX2023-0002');
  t.match(repair[0]!.data, { complexity: 'complex', category: 'plumbing' });
  t.notOk('owner' in repair[0]!.data, 'no owner recorded: none invented');
  const visit = await eventsOf(h, 'visits', 'visit', 'LF2023-0001');
  t.same(visit[0]!.data.visitor, { name: '李女士' }, 'a visitor with a name and no phone');

  const view = (await h.inject('GET', `/v1/complaints/${importedCaseId('complaint', 'TS2023-0002')}`, { as: 'auditor' })).json();
  t.match(view.facts, { resolvedAt: null, handlingStartedAt: null, closedWithoutCallback: true }, 'the missing steps stay missing');

  const again = (await post(h, summaryCsv(cases.map((c) => c.row)))).json();
  t.match(again, { cases: { imported: 0, unchanged: cases.length, rejected: 0 }, eventsWritten: 0 }, 'running it again writes nothing');
});

t.test('a live command cannot take an imported-only step', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  await post(h, summaryCsv([cases[4].row]));
  const id = importedCaseId('repair', 'BX2023-0003');
  const complete = await h.inject('POST', `/v1/repairs/${id}/complete`, { as: 'dispatcher', body: { workDone: '更换' } });
  t.equal(complete.statusCode, 409, 'completing a repair never dispatched is refused live');
  const view = (await h.inject('GET', `/v1/repairs/${id}`, { as: 'dispatcher' })).json();
  t.notOk(view.allowedActions.includes('complete'), 'and not offered');
});

t.test('errors name the row, the column and the value', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const rows = [
    { ...base, type: 'complaint', number: 'E-1', category: 'noise', receivedAt: '2023-03-02T10:00:00+08:00', closedAt: '2023-03-01T09:00:00+08:00' },
    { ...base, type: 'complaint', number: 'E-2', category: 'noise', receivedAt: '2023-03-02 10:00' },
    { ...base, type: 'complaint', number: 'E-3', category: 'noise', receivedAt: '2023-03-02T10:00:00+08:00', satisfaction: '满意' },
    { ...base, type: 'visit', number: 'E-4', category: 'inquiry', receivedAt: '2023-03-02T10:00:00+08:00', callbackAt: '2023-03-03T10:00:00+08:00' },
    { ...base, type: 'repair', number: 'E-5', category: '屋顶', receivedAt: '2023-03-02T10:00:00+08:00' },
    { ...base, type: 'repair', number: 'E-6', category: 'plumbing', receivedAt: '2023-03-02T10:00:00+08:00', acknowledgedAt: '2023-03-02T10:30:00+08:00' },
    { ...base, type: 'fee', number: 'E-7', category: 'x', receivedAt: '2023-03-02T10:00:00+08:00' },
    { ...base, type: 'repair', number: 'OK-1', category: 'plumbing', receivedAt: '2023-03-02T10:00:00+08:00', channel: '微信' },
  ];
  const report = (await post(h, summaryCsv(rows))).json();
  t.match(report, { rows: 8, cases: { imported: 1, rejected: 7 }, eventsWritten: 1 });
  t.match(report.rejected, [
    {
      row: 1,
      caseRef: 'E-1',
      field: 'closedAt',
      code: 'TIME_OUT_OF_ORDER',
      value: '2023-03-01T09:00:00+08:00',
      message: /closedAt 2023-03-01T09:00:00\+08:00 is before receivedAt 2023-03-02T10:00:00\+08:00/,
    },
    { row: 2, caseRef: 'E-2', field: 'receivedAt', code: 'TIME_WITHOUT_OFFSET', value: '2023-03-02 10:00', hint: /timeZone=property/ },
    { row: 3, caseRef: 'E-3', field: 'callbackAt', code: 'VALUE_MISSING', message: /satisfaction 满意 is recorded with the callback/ },
    {
      row: 4,
      caseRef: 'E-4',
      field: 'callbackAt',
      code: 'STEP_NOT_IN_LIFECYCLE',
      value: '2023-03-03T10:00:00+08:00',
      message: /a visit has no callbackAt step/,
    },
    { row: 5, caseRef: 'E-5', field: 'category', value: '屋顶', code: 'INVALID_COMMAND', message: /unknown repair category/ },
    { row: 6, caseRef: 'E-6', field: 'dispatchedAt', code: 'VALUE_MISSING', value: '', message: /acknowledgedAt \(accept\) needs dispatchedAt/ },
    { row: 7, caseRef: 'E-7', field: 'type', code: 'VALUE_INVALID', value: 'fee' },
  ]);
  t.ok(
    report.rejected.every((p: { code?: string; caseRef?: string }) => p.code && p.caseRef),
    'every problem has a code and names its record',
  );
  t.match(report.warnings, [{ code: 'COLUMN_NOT_KEPT', columns: ['channel'], rows: [8] }], 'a detail the type does not keep is reported, not refused');
});

t.test('an unknown column is left out with a warning, or refuses the import when strict', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const csv = [
    `${HEADER},备注`,
    `${line({ ...base, type: 'complaint', number: 'U-1', category: 'noise', receivedAt: '2023-03-02T10:00:00+08:00' })},业主很着急`,
  ].join('\n');
  const strict = await post(h, csv, '&strict=true');
  t.equal(strict.statusCode, 400);
  t.match(strict.json(), { code: 'INVALID_COMMAND', field: 'columns', detail: /备注/ });
  await t.rejects(h.store.readStream(`complaint-${importedCaseId('complaint', 'U-1')}`), { code: 'STREAM_NOT_FOUND' }, 'a strict refusal writes nothing');
  const lenient = (await post(h, csv)).json();
  t.match(lenient, { cases: { imported: 1 }, warnings: [{ code: 'UNKNOWN_COLUMNS', columns: ['备注'] }] });

  const events = [
    'caseRef,caseType,action,occurredAt,actor,role,fields,remark',
    `EV-1,complaint,receive,2023-03-02T10:00:00+08:00,li.na,frontdesk,"${JSON.stringify({ ...base, category: 'noise', channel: 'phone', owner: { name: '张三', phone: '13800000000' } }).replaceAll('"', '""')}",急`,
  ].join('\n');
  const eventRows = (await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: events, headers: { 'content-type': 'text/csv' } })).json();
  t.match(eventRows, { shape: 'events', cases: { imported: 1, rejected: 0 }, warnings: [{ code: 'UNKNOWN_COLUMNS', columns: ['remark'] }] }, 'event rows too');
});

t.test('a record already imported with other content names each column that differs; later steps are added', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const open = { ...base, type: 'repair', number: 'R-1', category: 'plumbing', receivedAt: '2023-03-02T10:00:00+08:00' };
  t.match((await post(h, summaryCsv([open]))).json(), { cases: { imported: 1 }, eventsWritten: 1 });
  const changed = (await post(h, summaryCsv([{ ...open, description: '另一个描述' }]))).json();
  t.match(changed, {
    cases: { imported: 0, rejected: 1 },
    eventsWritten: 0,
    rejected: [{ row: 1, field: 'description', code: 'IMPORT_CONFLICT', value: '另一个描述', message: /另一个描述 in this row, 历史记录 in the store/ }],
  });
  const closed = { ...open, completedAt: '2023-03-03T10:00:00+08:00', closedAt: '2023-03-03T12:00:00+08:00' };
  t.match((await post(h, summaryCsv([closed]))).json(), { cases: { extended: 1 }, eventsWritten: 2, rejected: [] }, 'its later steps are appended');
  const moved = (await post(h, summaryCsv([{ ...closed, closedAt: '2023-03-04T12:00:00+08:00' }]))).json();
  t.match(moved.rejected, [{ field: 'closedAt', value: '2023-03-04T12:00:00+08:00', message: /2023-03-03T04:00:00Z in the store/ }]);
  const twice = (await post(h, summaryCsv([open, { ...open, unit: '9-9-909' }]))).json();
  t.match(twice.rejected, [
    { row: 1, field: 'unit', message: /also on row 2/ },
    { row: 2, field: 'unit', message: /also on row 1/ },
  ]);
});

t.test('a dry run reports good and bad rows and writes nothing', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const before = (await h.store.readAll()).length;
  const csv = summaryCsv([cases[0].row, cases[2].row, { ...base, type: 'complaint', number: 'BAD-1', category: 'noise', receivedAt: '2023-03-02 10:00' }]);
  const report = (await post(h, csv, '&dryRun=true')).json();
  t.match(report, { dryRun: true, cases: { imported: 2, rejected: 1 }, eventsWritten: 0, rejected: [{ row: 3, field: 'receivedAt' }] });
  t.same(
    report.caseList.map((c: { events: number }) => c.events),
    [6, 5],
    'with the events each record would have',
  );
  t.equal((await h.store.readAll()).length, before, 'the store is unchanged');
});

t.test('the sample of docs/migration.md imports as the page says', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const sample = await readFile(new URL('../../docs/samples/summary-sample.csv', import.meta.url), 'utf8');
  const post = (csv: string, query = '') =>
    h.inject('POST', `/v1/admin/import?format=summary&timeZone=property${query}`, {
      as: 'admin',
      raw: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
  const dry = (await post(sample, '&dryRun=true')).json();
  t.match(dry, { rows: 12, cases: { imported: 11, rejected: 1 }, eventsWritten: 0 });
  t.equal(
    dry.caseList.reduce((n: number, c: { events: number }) => n + c.events, 0),
    41,
    'the events the page counts',
  );
  t.match(dry.rejected, [{ row: 4, caseRef: 'TS-2023-0104', field: 'closedAt', code: 'TIME_OUT_OF_ORDER', value: '2023-05-01 17:00' }]);
  t.equal(dry.rejected.length, 1);
  t.same(dry.warnings, [{ code: 'UNKNOWN_COLUMNS', columns: ['备注'], message: 'column(s) 备注 are not columns of a summary import: left out of every row' }]);
  t.match((await post(sample)).json(), { cases: { imported: 11, rejected: 1 }, eventsWritten: 41 });
  const fixed = sample.replace('2023-05-01 17:00', '2023-05-11 17:00');
  t.match((await post(fixed)).json(), { cases: { imported: 1, unchanged: 11, rejected: 0 }, eventsWritten: 2 }, 'the corrected row alone is imported');
  const repair = await eventsOf(h, 'repairs', 'repair', 'BX-2023-0202');
  t.same(
    repair.map((e) => e.type),
    ['RepairReported', 'RepairCompleted', 'RepairClosed'],
  );
  t.equal(Date.parse(repair[0]!.metadata.occurredAt), Date.parse('2023-06-03T06:00:00Z'), 'local times read in the property’s zone');
});

t.test('event rows: a step dated before its record was created names both rows and both times', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const fields = { ...base, location: '2-1-202', category: 'plumbing', complexity: 'general', owner: { name: '张三', phone: '13800000000' } };
  delete (fields as { unit?: string }).unit;
  const rows = [
    { caseRef: 'ORD-1', caseType: 'repair', action: 'report', occurredAt: '2023-03-02T10:00:00+08:00', actor: 'li.na', role: 'frontdesk', fields },
    {
      caseRef: 'ORD-1',
      caseType: 'repair',
      action: 'dispatch',
      occurredAt: '2023-03-01T10:00:00+08:00',
      actor: 'wang',
      role: 'dispatcher',
      fields: { technicianId: 'tech-3' },
    },
  ];
  const report = (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: rows })).json();
  t.match(report.rejected, [
    {
      row: 2,
      caseRef: 'ORD-1',
      field: 'occurredAt',
      code: 'TIME_OUT_OF_ORDER',
      value: '2023-03-01T10:00:00+08:00',
      message: /dispatch at 2023-03-01T10:00:00\+08:00 is before the repair's report at 2023-03-02T10:00:00\+08:00 \(row 1\)/,
    },
  ]);
  t.match(report.heldBack, [{ row: 1 }]);
});

t.test('a later step the record contradicts is reported on its own column, with the cell as the file wrote it', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const open = { ...base, type: 'complaint', number: 'C-9', category: 'noise', receivedAt: '2023-03-02 10:00' };
  t.match((await post(h, summaryCsv([open]), '&timeZone=property')).json(), { cases: { imported: 1 }, eventsWritten: 1 });
  // A person escalates it today: a step of 2023 can no longer come after it.
  const id = importedCaseId('complaint', 'C-9');
  t.equal((await h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: '业主来电催促' } })).statusCode, 200);
  const acknowledged = (await post(h, summaryCsv([{ ...open, acknowledgedAt: '2023-03-02 10:30' }]), '&timeZone=property')).json();
  t.match(acknowledged.rejected, [
    { row: 1, field: 'acknowledgedAt', value: '2023-03-02 10:30', code: 'OCCURRED_AT_REFUSED', message: /before the case's previous event/ },
  ]);
  // Withdrawn today: the record takes no acknowledgement at all.
  t.equal((await h.inject('POST', `/v1/complaints/${id}/withdraw`, { body: { reason: '业主撤回' } })).statusCode, 200);
  // At the harness's clock (09:00 in Shanghai), when it was withdrawn: not before it, and not ahead of the clock.
  const later = (await post(h, summaryCsv([{ ...open, acknowledgedAt: '2026-03-02 09:00' }]), '&timeZone=property')).json();
  t.match(later.rejected, [{ row: 1, field: 'acknowledgedAt', value: '2026-03-02 09:00', code: 'TRANSITION_NOT_ALLOWED', hint: /the record is withdrawn/ }]);
  t.equal(acknowledged.eventsWritten + later.eventsWritten, 0);
});

t.test('with timeZone=property, a property the rules do not have is refused once, on its column', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const row = {
    ...base,
    propertyId: 'nowhere',
    type: 'complaint',
    number: 'P-1',
    category: 'noise',
    receivedAt: '2023-03-02 10:00',
    closedAt: '2023-03-03 10:00',
  };
  const report = (await post(h, summaryCsv([row]), '&timeZone=property')).json();
  t.same(
    report.rejected.map((p: { field: string; code: string }) => [p.field, p.code]),
    [['propertyId', 'INVALID_COMMAND']],
  );
  t.match(report.rejected[0], { row: 1, caseRef: 'P-1', value: 'nowhere', message: /unknown property "nowhere".*allowed: demo/ });

  // No property at all: it is required, once; a date that is no date is still named, the zone aside.
  const blank = { ...row, propertyId: '', number: 'P-2', closedAt: '2023-02-30 10:00' };
  const second = (await post(h, summaryCsv([blank]), '&timeZone=property')).json();
  t.same(
    second.rejected.map((p: { field: string; code: string }) => [p.field, p.code]),
    [
      ['propertyId', 'VALUE_MISSING'],
      ['closedAt', 'TIME_INVALID'],
    ],
  );
});
