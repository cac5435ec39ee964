import t from 'tap';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { backoffMs, errorCodeOf } from '../../src/projections/failure-streak.js';
import { allProjections, type ProjectionHealth } from '../../src/projections/index.js';
import { diskFull, failingWrites, writeFault } from './failing-writes.js';
import { buildWorld, complaintBody } from './harness.js';
import { createProjectionRunner, openReadModelDb } from '../../src/projections/index.js';

t.test('the backoff: half a second, doubling with each failure in a row, at most 30 s', async (t) => {
  t.same([1, 2, 3, 4, 5, 6, 7, 8, 100].map(backoffMs), [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
});

t.test("a failure's code, on the error or along its causes", async (t) => {
  t.equal(errorCodeOf(diskFull()), 'SQLITE_FULL');
  t.equal(errorCodeOf(new StoreUnavailableError('the batch of appends could not be committed', diskFull())), 'STORE_UNAVAILABLE', "the engine's own first");
  t.equal(errorCodeOf(new Error('wrapped', { cause: diskFull() })), 'SQLITE_FULL');
  t.equal(errorCodeOf(new Error('no code')), null);
  t.equal(errorCodeOf('not an error'), null);
});

t.test('a failing projection is tried again on its own; each failure and its healing are told', async (t) => {
  const world = await buildWorld();
  await world.act('complaint', 'c1', 'receive', complaintBody);
  const fault = writeFault();
  fault.on = true;
  const delays: number[] = [];
  const db = openReadModelDb(':memory:');
  const runner = createProjectionRunner({
    store: world.store,
    db,
    projections: allProjections().map((p) => (p.name === 'cases' ? failingWrites(p, fault) : p)),
    rulesets: world.rulesets,
    clock: world.clock,
    retryDelay: (failures) => {
      delays.push(failures);
      // The disk is freed after the third failure in a row, before the next attempt.
      if (failures === 3) fault.on = false;
      return 0;
    },
  });
  const told: ProjectionHealth[] = [];
  runner.onHealth((health) => told.push(health.find((h) => h.name === 'cases')!));
  await runner.start();
  // Healed without another start(): the runner's own retries (a retry's timer does not hold the process, this poll does).
  for (let i = 0; i < 2_000 && (fault.on || runner.health()[0]!.failing); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  t.same(delays, [1, 2, 3]);
  t.match(
    runner.health()[0],
    { name: 'cases', failing: false, consecutiveFailures: 0, failures: 3, lastError: { code: 'SQLITE_FULL' } },
    'the last error is kept',
  );
  t.same([...new Set(told.filter((h) => h.failing).map((h) => h.consecutiveFailures))], [1, 2, 3], 'each failure is told');
  t.match(told.at(-1), { failing: false, consecutiveFailures: 0 }, 'and the healing');
  await runner.waitUntilCaughtUp();
  t.equal(db.prepare('SELECT count(*) FROM cases').pluck().get(), 1);
  const [status] = await runner.status();
  t.match(status, { failing: false, consecutiveFailures: 0, lastErrorCode: 'SQLITE_FULL', error: null, lagEvents: 0, waitingSeconds: 0 });
  await runner.stop();
});

t.test('a runner stopped while it waits to try again does not start again', async (t) => {
  const world = await buildWorld();
  await world.act('complaint', 'c1', 'receive', complaintBody);
  const fault = writeFault();
  fault.on = true;
  let scheduled = 0;
  const runner = createProjectionRunner({
    store: world.store,
    db: openReadModelDb(':memory:'),
    projections: allProjections().map((p) => (p.name === 'cases' ? failingWrites(p, fault) : p)),
    rulesets: world.rulesets,
    clock: world.clock,
    retryDelay: () => {
      scheduled += 1;
      return 5;
    },
  });
  await runner.start();
  for (let i = 0; i < 2_000 && scheduled === 0; i++) await new Promise((resolve) => setTimeout(resolve, 1));
  await runner.stop();
  const failedBefore = fault.failed;
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.equal(fault.failed, failedBefore, 'no attempt after stop()');
  t.match((await runner.status())[0], { running: false, failing: true, error: 'database or disk is full' });
});
