import t from 'tap';
import { casesProjection, openReadModelDb } from '../../src/projections/index.js';
import { CANDIDATES, createDeadlineWatcher } from '../../src/app/deadline-watcher.js';
import { buildStore, eventually, repairBody, startProcess } from './watcher-fixture.js';

// When the watcher checks: polling, clock changes, stopping, restarted clocks, and how it finds candidates.

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
