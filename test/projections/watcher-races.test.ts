import t from 'tap';
import type { EventStore } from '../../src/store/port.js';
import { createDeadlineWatcher } from '../../src/app/deadline-watcher.js';
import { missCommandId, WATCHER_ACTOR } from '../../src/app/watcher-plan.js';
import { at, buildStore, complaintBody, jittery, repairBody, startProcess } from './watcher-fixture.js';

// The case stream, not the read model, decides a miss: cases that move on, stale rows, racing processes and restarts.

t.test('a case that moved on between the check and the append is checked again and skipped, without error', async (t) => {
  const world = await buildStore();
  const desk = await startProcess(world, { runner: false });
  let interfere: (() => Promise<unknown>) | undefined;
  // Right before the watcher's append lands, a desk acknowledges the complaint (late) in another process.
  const p = await startProcess(world, {
    store: (store) =>
      Object.assign(Object.create(store) as EventStore, {
        appendToStream: async (...args: Parameters<EventStore['appendToStream']>) => {
          const run = interfere;
          interfere = undefined;
          await run?.();
          return store.appendToStream(...args);
        },
      }),
  });
  t.teardown(async () => {
    await p.stop();
    await desk.stop();
  });
  await p.act('complaint', 'c1', 'receive', complaintBody);
  await p.act('complaint', 'c2', 'receive', complaintBody);
  await p.sync();
  world.advance({ hours: 2, minutes: 30 });
  interfere = () => desk.act('complaint', 'c1', 'acknowledge');
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 1, failed: 0 }, 'c2 only');
  t.same(
    (await world.events('complaint', 'c1')).map((e) => e.type),
    ['ComplaintReceived', 'ComplaintHandlingStarted'],
    'the miss was decided against a case that had moved: not written, and the re-check finds the clock stopped',
  );
  t.same(
    p.logs.filter((l) => l.level === 'error'),
    [],
  );

  await desk.act('complaint', 'c2', 'withdraw', { reason: 'the owner withdrew' });
  await p.act('complaint', 'c3', 'receive', complaintBody);
  await p.sync();
  world.advance({ hours: 3 });
  await desk.act('complaint', 'c3', 'withdraw', { reason: 'the owner withdrew' }); // read model not told yet
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'a case withdrawn after its deadline is not recorded');
  t.same(
    p.logs.filter((l) => l.level === 'error'),
    [],
  );
});

t.test('the stream decides, not the read model: a stale, deleted or reset row never causes a wrong or second record', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('complaint', 'c1', 'receive', complaintBody);
  await p.act('complaint', 'c2', 'receive', complaintBody);
  await p.sync();
  await p.runner.stop(); // the read model lags from here on
  world.advance({ hours: 1 });
  await p.act('complaint', 'c2', 'acknowledge');
  world.advance({ hours: 2 });
  t.equal(p.db.prepare("SELECT count(*) FROM case_clocks WHERE stopped_at IS NULL AND clock = 'response'").pluck().get(), 2, 'both rows say running');
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 1, failed: 0 }, 'c2 was handled in time, as its stream says');
  t.same(await world.ofType('complaint', 'c2', 'ComplaintDeadlineMissed'), []);

  // The row of c1 still says no miss is recorded; a fresh watcher (nothing remembered) checks the stream.
  const fresh = () => createDeadlineWatcher({ readModels: p.db, cases: p.cases, rulesets: world.rulesets, clock: world.clock });
  t.same(await fresh().checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'stale row');
  await p.runner.start();
  await p.sync();
  p.db.prepare('UPDATE case_clocks SET miss_recorded = 0').run();
  t.same(await fresh().checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'row reset to "no miss recorded"');
  p.db.prepare("UPDATE case_clocks SET deadline = deadline - 3600000 WHERE case_id = 'c1'").run();
  t.same(await fresh().checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'row with a wrong deadline');
  p.db.prepare('DELETE FROM case_clocks').run();
  t.same(await fresh().checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'rows deleted');
  t.equal((await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed')).length, 1);
  t.equal((await world.ofType('complaint', 'c1', 'ComplaintEscalated')).length, 1);
});

t.test('two processes, each with its case service, read model and watcher, racing over one store: one miss per missed deadline', async (t) => {
  const world = await buildStore();
  const a = await startProcess(world, { store: (s) => jittery(s, 1) });
  const b = await startProcess(world, { store: (s) => jittery(s, 2) });
  t.teardown(async () => {
    await a.stop();
    await b.stop();
  });
  const complaints = Array.from({ length: 50 }, (_, i) => `c${i}`);
  const repairs = Array.from({ length: 20 }, (_, i) => `r${i}`);
  for (const [i, id] of complaints.entries()) await (i % 2 ? a : b).act('complaint', id, 'receive', complaintBody);
  for (const [i, id] of repairs.entries()) await (i % 2 ? a : b).act('repair', id, 'report', repairBody);
  world.advance({ minutes: 20 });
  const handled = new Set(complaints.filter((_, i) => i % 5 === 0));
  for (const id of handled) await a.act('complaint', id, 'acknowledge');
  await Promise.all([a.sync(), b.sync()]);
  world.advance({ hours: 2 }); // watchers not started: only the two concurrent checks below run

  const [ra, rb] = await Promise.all([a.watcher.checkNow(), b.watcher.checkNow()]);
  t.ok(ra.recorded > 0 && rb.recorded > 0, `both wrote some: ${ra.recorded} + ${rb.recorded} misses`);
  const missedComplaints = complaints.length - handled.size;
  t.equal(ra.recorded + rb.recorded, missedComplaints + repairs.length, `recorded between them: ${ra.recorded} + ${rb.recorded}`);
  t.equal(ra.escalated + rb.escalated, missedComplaints);
  t.equal(ra.failed + rb.failed, 0);
  for (const id of complaints) {
    const events = await world.events('complaint', id);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    t.same([count('ComplaintDeadlineMissed'), count('ComplaintEscalated')], handled.has(id) ? [0, 0] : [1, 1], id);
  }
  for (const id of repairs) t.equal((await world.ofType('repair', id, 'RepairDeadlineMissed')).length, 1, id);

  await Promise.all([a.sync(), b.sync()]);
  const again = await Promise.all([a.watcher.checkNow(), b.watcher.checkNow(), a.watcher.checkNow()]);
  t.same(
    again.map((r) => r.recorded + r.escalated),
    [0, 0, 0],
    'checked again: nothing',
  );
});

t.test('across a restart: a new process on the same store (and read model) does not record again; an escalation lost in a crash is made up', async (t) => {
  const world = await buildStore();
  const first = await startProcess(world);
  await first.act('complaint', 'c1', 'receive', complaintBody);
  await first.act('complaint', 'c2', 'receive', complaintBody);
  await first.sync();
  world.advance({ hours: 3 });
  t.same(await first.watcher.checkNow(), { recorded: 2, escalated: 2, failed: 0 });
  await first.act('complaint', 'c3', 'receive', complaintBody);
  world.advance({ hours: 3 });
  // The first process recorded c3's miss and died before escalating it.
  const deadline = at({ hours: 5 });
  await first.cases.execute({
    caseType: 'complaint',
    command: {
      caseId: 'c3',
      name: 'record-deadline-miss',
      actor: WATCHER_ACTOR,
      commandId: missCommandId('complaint', 'c3', 'response', deadline),
      payload: { clock: 'response', policyId: 'complaint.response', deadline },
    },
  });
  await first.sync();
  await first.stop();

  const second = await startProcess(world, { db: first.db });
  t.teardown(() => second.stop());
  await second.sync();
  t.same(await second.watcher.checkNow(), { recorded: 0, escalated: 1, failed: 0 }, 'only the missing escalation');
  const third = await startProcess(world); // a read model rebuilt from scratch
  t.teardown(() => third.stop());
  await third.sync();
  t.same(await third.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 });
  for (const id of ['c1', 'c2', 'c3']) {
    const types = (await world.events('complaint', id)).map((e) => e.type);
    t.same(types, ['ComplaintReceived', 'ComplaintDeadlineMissed', 'ComplaintEscalated'], id);
  }
});
