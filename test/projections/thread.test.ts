import { statSync } from 'node:fs';
import t from 'tap';
import { tempDir } from '../api/harness.js';
import { BACKSTOP_WAL_AUTOCHECKPOINT_PAGES } from '../../src/store/sqlite-schema.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { openReadModelDb, readModelFile, type AppliedSummary } from '../../src/projections/index.js';
import { caseCounts, dashboardFigures } from '../../src/projections/dashboard-queries.js';
import type { ThreadNotice } from '../../src/projections/thread/protocol.js';
import { projectionThread } from '../../src/projections/thread/runner-proxy.js';
import { buildWorld, complaintBody, START } from './harness.js';
import { niceOfThreads } from './thread-nice.js';

/**
 * The projection runner in its own thread, as the server runs it: the request thread's store rings
 * it after each commit, it writes the read models through its own connections, and every runner
 * method is answered across the thread boundary.
 */
t.test('the projection thread follows the server store and answers as a runner', async (t) => {
  const { dir, remove } = await tempDir('projection-thread-');
  const store = openSqliteEventStore({ file: `${dir}/events.db` });
  // The store closes (its last anchor write done) before its directory goes.
  t.teardown(async () => {
    await store.close();
    await remove();
  });
  const world = await buildWorld({ store });
  await world.act('complaint', 'c1', 'receive', complaintBody);

  const runner = projectionThread({
    store,
    data: { dataDir: dir, rulesetFiles: world.ruleset.files, manualClockAt: START },
    manualClock: world.clock,
  });
  const applied: AppliedSummary[] = [];
  runner.onApplied((summary) => applied.push(summary));
  await runner.start();
  await runner.waitUntilCaughtUp();
  const reader = openReadModelDb(readModelFile(dir));
  t.teardown(() => reader.close());
  const stateOf = (id: string) => reader.prepare('SELECT state FROM cases WHERE case_id = ?').pluck().get(id);
  t.equal(stateOf('c1'), 'received', 'what was in the log when it started');

  await world.act('complaint', 'c1', 'acknowledge');
  await world.act('complaint', 'c2', 'receive', complaintBody);
  await runner.waitUntilCaughtUp();
  t.equal(stateOf('c1'), 'handling', 'a commit of the server store rings the thread');
  t.equal(stateOf('c2'), 'received');
  t.ok(
    applied.some((s) => s.cases.some((c) => c.caseId === 'c2') && s.properties.has('demo')),
    'batches are reported back, sets and all',
  );

  const now = Date.parse(START) + 3 * 3_600_000;
  const counted = await runner.caseCounts(now);
  t.same(counted, caseCounts(reader, now), 'the counts for /metrics, from the thread, as the read model holds them');
  t.match(counted.open, [{ property_id: 'demo', case_type: 'complaint', n: 2 }]);
  t.ok(
    counted.alerts.some((row) => row.status === 'missed'),
    'three hours on, a complaint clock is missed',
  );
  const q = { propertyId: 'demo', now, today: START.slice(0, 10), filters: {}, limit: 10, pausedLongMs: 48 * 3_600_000 };
  const figures = await runner.dashboardFigures(q);
  t.same(figures, dashboardFigures(reader, q), "a dashboard's figures, from the thread, as the read model holds them");
  t.equal(figures.open.complaint.total, 2);
  t.equal(figures.queues.unassigned, 1, 'and the work queues, counted on the thread too: c2 not taken up');

  const [status] = await runner.status();
  t.match(status, { name: 'cases', caughtUp: true, lagEvents: 0, error: null });
  t.equal(typeof status!.checkpoint?.commit, 'bigint', 'positions cross the thread as bigints');
  const head = (await store.readAll()).at(-1)!.position;
  await runner.waitForPosition(head);

  world.advance({ minutes: 10 });
  await world.act('complaint', 'c2', 'escalate', { reason: '多次投诉' });
  await runner.waitUntilCaughtUp();
  t.equal(
    reader.prepare('SELECT updated_at FROM projections WHERE name = ?').pluck().get('cases'),
    Date.parse(START) + 600_000,
    'the manual clock moves in the thread too: it dates the checkpoint',
  );

  await runner.stop();
  await t.rejects(runner.status(), { message: 'the projection thread has stopped' }, 'a stopped thread answers nothing');
  await runner.stop();
});

t.test("the projection thread checkpoints the log file, so that the server's writer need not", async (t) => {
  const { dir, remove } = await tempDir('projection-thread-');
  const file = `${dir}/events.db`;
  // Told to checkpoint only past its backstop, as the server's store is.
  const store = openSqliteEventStore({ file, walAutocheckpointPages: BACKSTOP_WAL_AUTOCHECKPOINT_PAGES });
  // The store closes (its last anchor write done) before its directory goes.
  t.teardown(async () => {
    await store.close();
    await remove();
  });
  const world = await buildWorld({ store });
  const runner = projectionThread({ store, data: { dataDir: dir, rulesetFiles: world.ruleset.files, manualClockAt: START, checkpointEveryMs: 20 } });
  t.teardown(() => runner.stop());
  await runner.start();
  const before = statSync(file).size;
  for (let i = 0; i < 30; i++) await world.act('complaint', `c${i}`, 'receive', complaintBody);
  await runner.waitUntilCaughtUp();
  let grown = false;
  // The thread's own timer: waited for in real time, up to 10 s, rather than assumed.
  for (const deadline = Date.now() + 10_000; !grown && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    grown = statSync(file).size > before;
  }
  t.ok(grown, 'the pages the server wrote reached the database file');
  t.equal((await store.readAll()).filter((e) => e.streamName.startsWith('complaint-')).length, 30);
});

t.test(
  'the projection thread yields the CPU to requests by the steps it is given',
  { skip: process.platform !== 'linux' && 'a thread has its own nice value on Linux only' },
  async (t) => {
    const { dir, remove } = await tempDir('projection-thread-');
    const store = openSqliteEventStore({ file: `${dir}/events.db` });
    // The store closes (its last anchor write done) before its directory goes.
    t.teardown(async () => {
      await store.close();
      await remove();
    });
    const world = await buildWorld({ store });
    const before = niceOfThreads();
    const base = before.get(process.pid)!;
    const notices: ThreadNotice[] = [];
    const runner = projectionThread({
      store,
      data: { dataDir: dir, rulesetFiles: world.ruleset.files, manualClockAt: START, yieldSteps: 4 },
      onNotice: (notice) => notices.push(notice),
    });
    t.teardown(() => runner.stop());
    await runner.start();
    t.same(notices, [
      { level: 'info', message: `the projection thread runs at nice ${base + 4}, the request thread at ${base}: requests come first when the CPU is short` },
    ]);
    const lowered = [...niceOfThreads()].filter(([thread, nice]) => !before.has(thread) && nice === base + 4);
    t.equal(lowered.length, 1, 'one new thread, the projection thread, at 4 steps below');
    t.equal(niceOfThreads().get(process.pid), base, 'the request thread keeps its priority');

    await world.act('complaint', 'c1', 'receive', complaintBody);
    await runner.waitUntilCaughtUp();
    const [status] = await runner.status();
    t.match(status, { name: 'cases', caughtUp: true, lagEvents: 0 }, 'and it projects as before');
  },
);

t.test("without steps the projection thread keeps the request thread's priority and says nothing", async (t) => {
  const { dir, remove } = await tempDir('projection-thread-');
  const store = openSqliteEventStore({ file: `${dir}/events.db` });
  // The store closes (its last anchor write done) before its directory goes.
  t.teardown(async () => {
    await store.close();
    await remove();
  });
  const world = await buildWorld({ store });
  const notices: ThreadNotice[] = [];
  const runner = projectionThread({
    store,
    data: { dataDir: dir, rulesetFiles: world.ruleset.files, manualClockAt: START },
    onNotice: (notice) => notices.push(notice),
  });
  t.teardown(() => runner.stop());
  await runner.start();
  await runner.status();
  t.same(notices, []);
});
