import t from 'tap';
import { casesProjection, openReadModelDb } from '../../src/projections/index.js';
import type { EventStore } from '../../src/store/port.js';
import { complaintCommands } from '../../src/domain/complaint/commands.js';
import { CANDIDATES, createDeadlineWatcher } from '../../src/app/deadline-watcher.js';
import { escalationCommandId, missCommandId, WATCHER_ACTOR } from '../../src/app/watcher-plan.js';
import { at, buildStore, complaintBody, eventually, jittery, repairBody, startProcess } from './watcher-fixture.js';
import { ownerData } from '../owner-data.js';

t.test('a complaint not handled within 2 h: one miss of the response clock and one escalation, once', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('complaint', 'c1', 'receive', complaintBody);
  await p.sync();
  p.watcher.start();
  await p.watcher.idle();

  world.advance({ hours: 1, minutes: 59 });
  await p.watcher.idle();
  t.same(await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed'), [], 'nothing before the deadline');

  world.advance({ minutes: 2 }); // 2 h 01 min after receipt: the manual clock's change triggers a check
  await p.watcher.idle();
  const misses = await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed');
  t.equal(misses.length, 1);
  t.same(misses[0]!.data, { clock: 'response', policyId: 'complaint.response', deadline: at({ hours: 2 }) });
  t.match(misses[0]!.metadata, {
    actor: WATCHER_ACTOR,
    occurredAt: at({ hours: 2, minutes: 1 }),
    commandId: missCommandId('complaint', 'c1', 'response', at({ hours: 2 })),
  });
  const escalations = await world.ofType('complaint', 'c1', 'ComplaintEscalated');
  t.equal(escalations.length, 1);
  t.match(escalations[0]!.data, { reason: /response deadline 2026-03-02T03:00:00Z missed/ });
  t.match(escalations[0]!.metadata, { actor: { role: 'system' }, commandId: escalationCommandId('complaint', 'c1', 'response', at({ hours: 2 })) });
  t.notOk(
    complaintCommands.find((c) => c.name === 'escalate')!.roles.includes('system'),
    'the API would not let a system actor escalate; the case service checks no roles, so the watcher may',
  );
  t.match(p.logs, [
    { level: 'info', msg: 'deadline missed: recorded' },
    { level: 'info', msg: 'deadline missed: escalated' },
  ]);
  t.notMatch(JSON.stringify(p.logs), ownerData('王先生', '13800000000'), 'no owner data in the logs');

  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'a second check, read model not caught up yet');
  await p.sync();
  t.equal(p.db.prepare("SELECT miss_recorded FROM case_clocks WHERE case_id = 'c1' AND clock = 'response'").pluck().get(), 1);
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'and once it has');
  t.equal((await world.events('complaint', 'c1')).length, 3, 'received, missed, escalated');
});

t.test('a complaint handled in time records nothing; a repair missing its 30 min response records a miss, no escalation', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('complaint', 'c1', 'receive', complaintBody);
  await p.act('repair', 'r1', 'report', repairBody);
  world.advance({ hours: 2 });
  await p.act('complaint', 'c1', 'acknowledge'); // at the deadline: inclusive, met
  world.advance({ hours: 3 });
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 0, failed: 0 });
  t.same(await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed'), []);
  t.same(await world.ofType('complaint', 'c1', 'ComplaintEscalated'), []);
  const [miss] = await world.ofType('repair', 'r1', 'RepairDeadlineMissed');
  t.same(miss!.data, { clock: 'response', policyId: 'repair.response', deadline: at({ minutes: 30 }) });
});

t.test('a repair paused before its deadline is not missed while paused, however long; after resuming, the shifted deadline counts', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('repair', 'r1', 'report', repairBody);
  world.advance({ minutes: 10 });
  await p.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  await p.act('repair', 'r1', 'accept');
  world.advance({ minutes: 50 });
  await p.act('repair', 'r1', 'arrive');
  await p.act('repair', 'r1', 'pause', { reason: 'awaiting_parts' }); // 1 h in
  await p.sync();
  p.watcher.start();
  world.advance({ hours: 29 }); // 30 h of wall time since the report
  await p.watcher.idle();
  t.same(await world.ofType('repair', 'r1', 'RepairDeadlineMissed'), [], 'paused since 1 h: 23 h of the clock left');

  await p.act('repair', 'r1', 'resume'); // deadline: 24 h + 29 h paused after the report
  await p.sync();
  world.advance({ hours: 23 });
  await p.watcher.idle();
  t.same(await world.ofType('repair', 'r1', 'RepairDeadlineMissed'), [], 'at 53 h: on the deadline, not past it');
  world.advance({ minutes: 1 });
  await p.watcher.idle();
  const misses = await world.ofType('repair', 'r1', 'RepairDeadlineMissed');
  t.same(
    misses.map((e) => e.data),
    [{ clock: 'completion', policyId: 'repair.completion.general', deadline: at({ hours: 53 }) }],
  );
});

t.test('a repair paused after its deadline passed unwatched is still recorded as missed', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('repair', 'r1', 'report', repairBody);
  world.advance({ minutes: 10 });
  await p.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  await p.act('repair', 'r1', 'accept');
  await p.act('repair', 'r1', 'arrive');
  world.advance({ hours: 25 }); // past the 24 h completion deadline, no watcher running
  await p.act('repair', 'r1', 'pause', { reason: 'awaiting_parts' });
  await p.sync();
  p.watcher.start();
  await p.watcher.idle();
  const misses = await world.ofType('repair', 'r1', 'RepairDeadlineMissed');
  t.same(
    misses.map((e) => e.data),
    [{ clock: 'completion', policyId: 'repair.completion.general', deadline: at({ hours: 24 }) }],
    'the paused clock is a candidate: its pause began after its deadline',
  );
});

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

t.test('with a clock that cannot be watched, the watcher polls; errors are logged, not thrown out of the timer', async (t) => {
  const world = await buildStore();
  const polled = { now: () => world.clock.now() }; // no onChange: like the system clock
  const p = await startProcess(world, { clock: polled, intervalMs: 10 });
  t.teardown(() => p.stop());
  await p.act('repair', 'r1', 'report', repairBody);
  await p.sync();
  p.watcher.start();
  world.advance({ minutes: 31 });
  t.ok(await eventually(async () => (await world.ofType('repair', 'r1', 'RepairDeadlineMissed')).length === 1), 'recorded by a poll');

  await p.runner.stop();
  p.db.exec('DROP TABLE case_clocks');
  t.ok(await eventually(async () => p.logs.some((l) => l.level === 'error')), 'a failing check is logged');
  t.match(
    p.logs.find((l) => l.level === 'error'),
    { msg: 'deadline watcher: check failed', obj: { err: { message: /no such table/ } } },
  );
  await t.rejects(p.watcher.checkNow(), /no such table/, 'checkNow itself reports the failure to its caller');
  await p.watcher.stop();
  t.equal((await world.ofType('repair', 'r1', 'RepairDeadlineMissed')).length, 1);
});

t.test('a clock moved right after a case is opened: the check waits for the read model, not for the next poll', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world, { intervalMs: 3_600_000 });
  t.teardown(() => p.stop());
  p.watcher.start();
  await p.watcher.idle();
  for (let i = 0; i < 20; i++) await p.act('repair', `r${i}`, 'report', repairBody);
  world.advance({ minutes: 31 }); // no sync: the runner has not projected these cases yet
  await p.watcher.idle();
  for (let i = 0; i < 20; i++) t.equal((await world.ofType('repair', `r${i}`, 'RepairDeadlineMissed')).length, 1, `r${i} recorded by the clock's check`);
});

t.test('stop() ends a check waiting for a read model that does not catch up', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world, { runner: false });
  const never = { waitUntilCaughtUp: () => new Promise<void>(() => undefined) };
  const watcher = createDeadlineWatcher({ readModels: p.db, cases: p.cases, rulesets: world.rulesets, clock: world.clock, projections: never });
  watcher.start();
  const check = watcher.checkNow();
  await watcher.stop();
  t.same(await check, { recorded: 0, escalated: 0, failed: 0 }, 'the waiting check gave up');
  await p.stop();
});

t.test('a clock that restarts with a new deadline after a recorded miss is watched again: one miss per deadline', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('repair', 'r1', 'report', repairBody);
  await p.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  await p.act('repair', 'r1', 'accept');
  await p.act('repair', 'r1', 'arrive');
  await p.act('repair', 'r1', 'complete', { workDone: '更换阀门' }); // the callback clock starts
  world.advance({ hours: 120 });
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 0, failed: 0 }, 'the first callback deadline missed');
  await p.act('repair', 'r1', 'verify', { accepted: false, note: '仍然漏水' }); // rework: completed again later, a new callback deadline
  await p.act('repair', 'r1', 'arrive');
  await p.act('repair', 'r1', 'complete', { workDone: '更换整段水管' });
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'the new deadline has not passed');
  world.advance({ hours: 120 });
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 0, failed: 0 }, 'the second callback deadline missed too');
  const misses = (await world.ofType('repair', 'r1', 'RepairDeadlineMissed')).map((e) => e.data as { clock: string; deadline: string });
  t.equal(misses.filter((m) => m.clock === 'callback').length, 2);
  t.not(misses.at(-1)!.deadline, misses.at(-2)!.deadline, 'each with its own deadline');
});

t.test("a check reads the candidates through the clocks' partial indexes, not every clock", async (t) => {
  const db = openReadModelDb(':memory:');
  t.teardown(() => db.close());
  casesProjection().setup(db);
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${CANDIDATES}`).all({ now: 0 }) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
  for (const index of ['case_clocks_running_deadline (deadline<?)', 'case_clocks_paused', 'case_clocks_missed_escalating']) t.match(plan, index);
  t.notMatch(plan, /SCAN case_clocks|sqlite_autoindex_case_clocks/, plan);
});
