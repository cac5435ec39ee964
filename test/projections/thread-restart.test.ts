import type { Worker } from 'node:worker_threads';
import t from 'tap';
import { tempDir } from '../api/harness.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { openReadModelDb, readModelFile, type ProjectionHealth } from '../../src/projections/index.js';
import { projectionThread, startProjectionWorker, THREAD_EXITED } from '../../src/projections/thread/runner-proxy.js';
import { readModelHealth } from '../../src/app/read-model-health.js';
import { buildWorld, complaintBody, START } from './harness.js';

/** Polls (bounded: 20 s of real time, a thread starts in about a second) until `done` holds. */
const eventually = async (done: () => Promise<boolean> | boolean) => {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
};

t.test('a projection thread that dies is started again and resumes from its checkpoint', async (t) => {
  const { dir, remove } = await tempDir('thread-restart-');
  const store = openSqliteEventStore({ file: `${dir}/events.db` });
  // The store closes (its last anchor write done) before its directory goes.
  t.teardown(async () => {
    await store.close();
    await remove();
  });
  const world = await buildWorld({ store });
  await world.act('complaint', 'c1', 'receive', complaintBody);

  const workers: Worker[] = [];
  const delays: number[] = [];
  const runner = projectionThread({
    store,
    data: { dataDir: dir, rulesetFiles: world.ruleset.files, manualClockAt: START },
    manualClock: world.clock,
    // The test keeps each thread it starts, to end one as a crash would.
    spawn: (data) => {
      const worker = startProjectionWorker(data);
      workers.push(worker);
      return worker;
    },
    retryDelay: (deaths) => {
      delays.push(deaths);
      return 0;
    },
  });
  t.teardown(() => runner.stop());
  const logged: Array<{ level: string; msg: string }> = [];
  const health = readModelHealth({
    projections: runner,
    now: () => world.clock.now().epochMilliseconds,
    logger: { warn: (_obj, msg) => void logged.push({ level: 'warn', msg }), info: (_obj, msg) => void logged.push({ level: 'info', msg }) },
  });
  t.teardown(() => health.close());
  const seen: ProjectionHealth[][] = [];
  runner.onHealth((health) => seen.push(health));
  await runner.start();
  await runner.waitUntilCaughtUp();
  t.ok(
    await eventually(() => runner.health().length === 2 && runner.health().every((h) => h.caughtUp && !h.failing)),
    "the thread's health reaches the request thread",
  );

  await workers[0]!.terminate();
  const failing = () => seen.find((health) => health.some((h) => h.failing));
  t.ok(await eventually(() => failing() !== undefined), 'its death is told');
  const down = failing();
  t.match(down, [
    { name: 'cases', failing: true, lastError: { code: THREAD_EXITED, message: /the projection thread exited with code/ } },
    { name: 'case_search', failing: true },
  ]);
  t.same(delays, [1], 'the first death in a row waits the first backoff');

  await world.act('complaint', 'c2', 'receive', complaintBody);
  t.ok(
    await eventually(() =>
      runner.waitUntilCaughtUp().then(
        () => true,
        () => false,
      ),
    ),
    'a new thread answers, within a bounded poll',
  );
  t.equal(workers.length, 2, 'one new thread');
  t.equal(runner.restarts(), 1);
  t.ok(await eventually(() => runner.health().every((h) => !h.failing && h.caughtUp)), 'healthy again');
  const reader = openReadModelDb(readModelFile(dir));
  t.teardown(() => reader.close());
  t.same(
    reader.prepare("SELECT case_id FROM cases WHERE case_type = 'complaint' ORDER BY case_id").pluck().all(),
    ['c1', 'c2'],
    'what was appended while it was down is applied',
  );
  const [status] = await runner.status();
  t.match(status, { name: 'cases', lagEvents: 0, failing: false, error: null });
  t.match(
    logged,
    [
      { level: 'warn', msg: /^read model failing: projection cases: PROJECTION_THREAD_EXITED: the projection thread exited/ },
      { level: 'warn', msg: /^read model failing: projection case_search: PROJECTION_THREAD_EXITED/ },
      { level: 'info', msg: /^read model recovered: projection cases writes again after 1 failed attempt$/ },
      { level: 'info', msg: /^read model recovered: projection case_search/ },
    ],
    'the death and the healing logged once each, a projection each',
  );
  t.equal(logged.length, 4);
});
