import t from 'tap';
import { importCases, importedCaseId } from '../../src/audit/import/import.js';
import { parseImport } from '../../src/audit/import/format.js';
import { at, buildStore, complaintBody, startProcess } from './watcher-fixture.js';

// A miss escalates only when noticed live: within sla.yaml escalation.maxLateHours (24 h in the
// shipped rules) of its deadline, on a record the engine held before the deadline passed.

t.test('a miss noticed more than 24 h after its deadline (the server was down) is recorded at its deadline, not escalated', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('complaint', 'c1', 'receive', complaintBody);
  await p.sync();
  world.advance({ hours: 26, minutes: 1 }); // no check ran: the deadline (2 h) passed 24 h 01 min ago
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 0, failed: 0 });
  t.match(await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed'), [{ metadata: { occurredAt: at({ hours: 2 }) } }]);
  t.match(p.logs, [{ obj: { late: 'beyond_window' } }]);
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'nor on a later check');
});

t.test('a record imported before its deadline is watched live: its miss escalates', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  const received = at({ minutes: -30 }); // received in the old system half an hour ago, imported now
  await importCases(
    { store: world.store, rulesets: world.rulesets, clock: world.clock },
    parseImport([{ caseRef: 'NOW-1', caseType: 'complaint', action: 'receive', occurredAt: received, actor: 'li.na', role: 'frontdesk', ...complaintBody }]),
  );
  await p.sync();
  world.advance({ hours: 1, minutes: 31 });
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 1, failed: 0 });
  t.equal((await world.ofType('complaint', importedCaseId('complaint', 'NOW-1'), 'ComplaintEscalated')).length, 1);
});
