import t from 'tap';
import { randomUUID } from 'node:crypto';
import { caseService } from '../../src/app/case-service.js';
import { createDeadlineWatcher, type WatcherLogger } from '../../src/app/deadline-watcher.js';
import { readModelHealth } from '../../src/app/read-model-health.js';
import { openStaffDirectory } from '../../src/app/staff-directory.js';
import { allProjections, createProjectionRunner, openReadModelDb } from '../../src/projections/index.js';
import { seedTechnicians } from '../staff-fixture.js';
import { failingWrites, writeFault } from './failing-writes.js';
import { buildStore, complaintBody } from './watcher-fixture.js';

/**
 * The deadline watcher judges from the clocks' read model: while that read model fails (or falls
 * behind beyond its bound) it records nothing, says so once, and judges again once it heals.
 */
t.test('the watcher writes nothing while the read model is failing, and resumes when it heals', async (t) => {
  const world = await buildStore();
  const staff = await openStaffDirectory({ store: world.store, clock: world.clock });
  await seedTechnicians(staff);
  const cases = caseService({ store: world.store, rulesets: world.rulesets, clock: world.clock, staff });
  const db = openReadModelDb(':memory:');
  const fault = writeFault();
  const runner = createProjectionRunner({
    store: world.store,
    db,
    projections: allProjections().map((p) => (p.name === 'cases' ? failingWrites(p, fault) : p)),
    rulesets: world.rulesets,
    clock: world.clock,
    // Tried again only when the test starts the runner: the read model stays failing meanwhile.
    retryDelay: () => 3_600_000,
  });
  await runner.start();
  const health = readModelHealth({ projections: runner, now: () => world.clock.now().epochMilliseconds });
  const logs: Array<{ level: string; msg: string | undefined }> = [];
  const logger: WatcherLogger = {
    info: (_obj, msg) => void logs.push({ level: 'info', msg }),
    error: (_obj, msg) => void logs.push({ level: 'error', msg }),
  };
  const watcher = createDeadlineWatcher({
    readModels: db,
    cases,
    rulesets: world.rulesets,
    clock: world.clock,
    projections: runner,
    readModel: health,
    logger,
  });
  t.teardown(async () => {
    await watcher.stop();
    health.close();
    await runner.stop();
  });
  const act = (caseId: string, name: string, payload: unknown = {}) =>
    cases.execute({ caseType: 'complaint', command: { caseId, name, payload, commandId: randomUUID(), actor: { id: 'desk-1', role: 'dispatcher' } } });

  await act('c1', 'receive', complaintBody);
  await runner.waitUntilCaughtUp();
  fault.on = true;
  await act('c2', 'receive', complaintBody);
  await t.rejects(runner.waitUntilCaughtUp(), /projection cases failed: database or disk is full/);

  world.advance({ hours: 3 }); // both complaints' 2-hour response deadlines have passed
  const first = await watcher.checkNow();
  t.match(first, { recorded: 0, escalated: 0, failed: 0, skipped: /the read models are failing: projection cases: SQLITE_FULL/ }, 'judges nothing');
  t.same(await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed'), [], 'c1, whose clock the read model holds, gets no miss either');
  t.match(await watcher.checkNow(), { recorded: 0, skipped: String }, 'nor at the next check');
  t.same(
    logs.map((l) => l.msg),
    [
      'deadline watcher paused: the read models are failing: projection cases: SQLITE_FULL: database or disk is full (1 failed attempt in a row); no miss is recorded until the read model heals',
    ],
    'the pause is logged once',
  );

  fault.on = false;
  await runner.start(); // the attempt the backoff would make
  await runner.waitUntilCaughtUp();
  t.same(await watcher.checkNow(), { recorded: 2, escalated: 2, failed: 0 }, 'healed: both misses recorded, each once');
  t.equal((await world.ofType('complaint', 'c2', 'ComplaintDeadlineMissed')).length, 1);
  t.equal(logs[1]!.msg, 'deadline watcher resumed: the read model is well again', 'the end of the pause is logged once');
  t.equal(logs.length, 2 + 4, 'then the misses and escalations, one line each');
});

t.test('the watcher judges nothing from a read model behind beyond its bound', async (t) => {
  const world = await buildStore();
  const staff = await openStaffDirectory({ store: world.store, clock: world.clock });
  const cases = caseService({ store: world.store, rulesets: world.rulesets, clock: world.clock, staff });
  const db = openReadModelDb(':memory:');
  const runner = createProjectionRunner({ store: world.store, db, projections: allProjections(), rulesets: world.rulesets, clock: world.clock });
  const health = readModelHealth({ projections: runner, maxLagSeconds: 60, now: () => world.clock.now().epochMilliseconds });
  const watcher = createDeadlineWatcher({
    readModels: db,
    cases,
    rulesets: world.rulesets,
    clock: world.clock,
    projections: runner,
    readModel: health,
    catchUpWaitMs: 10,
  });
  t.teardown(async () => {
    await watcher.stop();
    health.close();
    await runner.stop();
  });
  // The runner is not started: the read model does not follow the log.
  await cases.execute({
    caseType: 'complaint',
    command: { caseId: 'c1', name: 'receive', payload: complaintBody, commandId: randomUUID(), actor: { id: 'desk-1', role: 'dispatcher' } },
  });
  world.advance({ hours: 3 });
  t.match(await watcher.checkNow(), { recorded: 0, skipped: /behind the log: projection cases has 1 events to apply, the oldest 10800 s old/ });
  await runner.start();
  await runner.waitUntilCaughtUp();
  t.match(await watcher.checkNow(), { recorded: 1, escalated: 1 }, 'caught up: the miss is recorded');
});
