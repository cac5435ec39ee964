import t from 'tap';
import { importCases, importedCaseId } from '../../src/audit/import/import.js';
import { parseImport } from '../../src/audit/import/format.js';
import { buildStore, complaintBody, startProcess } from '../projections/watcher-fixture.js';

// A migration in steps while the server runs: the watcher's misses of imported records are dated at
// their deadlines without escalating, a re-run writes nothing, and later rows extend the records.

const row = (caseRef: string, action: string, occurredAt: string, fields: Record<string, unknown> = {}) => ({
  caseRef,
  caseType: 'complaint',
  action,
  occurredAt,
  actor: 'li.na',
  role: 'frontdesk',
  fields,
});
// Received and never taken up in the old export: its 2-hour response clock (which escalates) was missed.
const opened = (caseRef: string) => [row(caseRef, 'receive', '2023-03-01T02:00:00Z', complaintBody)];
const closing = (caseRef: string) => [
  row(caseRef, 'acknowledge', '2023-03-01T05:00:00Z'),
  row(caseRef, 'resolve', '2023-03-08T03:00:00Z', { resolution: '已协调邻居' }),
  row(caseRef, 'callback', '2023-03-09T03:00:00+08:00', { satisfaction: 'satisfied' }),
  row(caseRef, 'close', '2023-03-09T04:00:00Z'),
];

t.test('open 2023 complaints imported, the watcher runs, the same file again, then the rows that close them', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  const deps = { store: world.store, rulesets: world.rulesets, clock: world.clock };
  const run = (rows: unknown[]) => importCases(deps, parseImport(rows), { importedBy: { id: 'admin-1', role: 'admin' } });
  const c1 = importedCaseId('complaint', 'OLD-1');
  const c2 = importedCaseId('complaint', 'OLD-2');

  const first = await run([...opened('OLD-1'), ...opened('OLD-2'), ...opened('OLD-3')]);
  t.match(first, { cases: { imported: 3, extended: 0, unchanged: 0, rejected: 0 }, eventsWritten: 3 });

  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 3, escalated: 0, failed: 0 }, 'the response deadlines of 2023 missed, not escalated');
  world.advance({ hours: 30 });
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'nor later: a miss noticed late never escalates');
  const [miss] = await world.ofType('complaint', c1, 'ComplaintDeadlineMissed');
  t.match(miss, {
    data: { clock: 'response', deadline: '2023-03-01T04:00:00Z' },
    metadata: { occurredAt: '2023-03-01T04:00:00Z', recordedAt: '2026-03-02T01:00:00Z' },
  });
  t.match(
    p.logs.find((l) => l.msg?.includes('noticed late')),
    { obj: { late: 'imported_after_deadline' } },
    'the log says why it was not escalated',
  );

  // A person acts on OLD-2 today; the watcher acted on both.
  await p.act('complaint', c2, 'escalate', { reason: '业主来电催促' });
  const count = async () => (await world.events('complaint', c1)).length + (await world.events('complaint', c2)).length;
  const before = await count();
  const again = await run([...opened('OLD-1'), ...opened('OLD-2'), ...opened('OLD-3')]);
  t.match(again, { cases: { imported: 0, extended: 0, unchanged: 3, rejected: 0 }, eventsWritten: 0, rejected: [] }, 'a re-run: nothing written, no conflict');
  t.equal(await count(), before);

  const grown = [...opened('OLD-1'), ...closing('OLD-1'), ...opened('OLD-2'), ...closing('OLD-2')];
  const second = await run(grown);
  t.match(second, { cases: { imported: 0, extended: 1, unchanged: 0, rejected: 1 }, eventsWritten: 4 });
  t.same(
    (await world.events('complaint', c1)).map((e) => e.type),
    ['ComplaintReceived', 'ComplaintDeadlineMissed', 'ComplaintHandlingStarted', 'ComplaintResolved', 'CallbackRecorded', 'ComplaintClosed'],
    "OLD-1's later rows appended after the watcher's miss",
  );
  t.match(second.rejected, [
    {
      row: 7,
      caseRef: 'OLD-2',
      field: 'occurredAt',
      value: '2023-03-01T05:00:00Z',
      code: 'OCCURRED_AT_REFUSED',
      message: /before the case's previous event \(2026-03-03T07:00:00Z\); added since the import: .*ComplaintEscalated \(desk-1, 2026-03-03T07:00:00Z\)/,
      hint: /allows events from 2026-03-03T07:00:00Z on/,
    },
  ]);
  t.same(
    second.heldBack.map((h: { row: number }) => h.row),
    [8, 9, 10],
    "OLD-2's other new rows held back",
  );
  t.match(await run(grown), { cases: { extended: 0, unchanged: 1, rejected: 1 }, eventsWritten: 0 }, 'the grown file again: OLD-1 unchanged');

  // OLD-3 was in fact taken up in time: the row contradicts the miss the watcher recorded.
  const inTime = await run([...opened('OLD-3'), row('OLD-3', 'acknowledge', '2023-03-01T03:00:00Z')]);
  t.match(inTime.rejected, [
    {
      row: 2,
      caseRef: 'OLD-3',
      field: 'occurredAt',
      value: '2023-03-01T03:00:00Z',
      code: 'OCCURRED_AT_REFUSED',
      message:
        /in time for its deadline 2023-03-01T04:00:00Z, which the record holds as missed; added since the import: ComplaintDeadlineMissed \(deadline-watcher, 2023-03-01T04:00:00Z\)/,
    },
  ]);
  t.equal(inTime.eventsWritten, 0);

  // A later export that skips the acknowledgement the old system never recorded: steps only an
  // import takes, checked against the recorded miss as any other step.
  const skipping = await run([
    ...opened('OLD-3'),
    row('OLD-3', 'resolve', '2023-03-08T03:00:00Z', { resolution: '已协调邻居' }),
    row('OLD-3', 'close', '2023-03-08T04:00:00Z', { reason: '原系统未记录回访' }),
  ]);
  t.match(skipping, { cases: { imported: 0, extended: 1, unchanged: 0, rejected: 0 }, eventsWritten: 2, rejected: [] });
  t.same(
    (await world.events('complaint', importedCaseId('complaint', 'OLD-3'))).map((e) => e.type),
    ['ComplaintReceived', 'ComplaintDeadlineMissed', 'ComplaintResolved', 'ComplaintClosed'],
    "OLD-3's resolution and close appended after the watcher's miss, with no acknowledgement",
  );
});

t.test('a later row the record cannot take, or a changed first row, is reported with the column, the value and what the record allows', async (t) => {
  const world = await buildStore();
  const deps = { store: world.store, rulesets: world.rulesets, clock: world.clock };
  const run = (rows: unknown[]) => importCases(deps, parseImport(rows));
  await run([...opened('OLD-3'), row('OLD-3', 'withdraw', '2023-03-01T03:00:00Z', { reason: '业主撤回' })]);
  const late = await run([row('OLD-3', 'resolve', '2023-03-03T03:00:00Z', { resolution: '已处理' })]);
  t.match(late.rejected, [{ row: 1, field: 'action', value: 'resolve', code: 'TRANSITION_NOT_ALLOWED', hint: /the record is withdrawn after what it holds/ }]);
  const changed = await run([{ ...opened('OLD-3')[0], fields: { ...complaintBody, description: '另一段描述' } }]);
  t.match(changed.rejected, [
    { row: 1, field: 'action', value: 'receive', code: 'IMPORT_CONFLICT', message: /already imported from a row with other content/ },
  ]);
  t.equal(changed.eventsWritten + late.eventsWritten, 0);
});
