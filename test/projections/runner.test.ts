import t from 'tap';
import { CASE_EVENTS, casesProjection, formatPosition, openReadModelDb, type AppliedSummary, type Projection } from '../../src/projections/index.js';
import { comparePositions, matchesFilter } from '../../src/store/port.js';
import { buildWorld, complaintBody, repairBody, runnerFor, tablesOf } from './harness.js';

t.test('catches up with the log, then follows it live', async (t) => {
  const world = await buildWorld();
  await world.act('complaint', 'c1', 'receive', complaintBody);
  await world.act('repair', 'r1', 'report', repairBody);
  const { db, runner } = runnerFor(world);
  const summaries: AppliedSummary[] = [];
  runner.onApplied((s) => summaries.push(s));
  await runner.start();
  await runner.waitUntilCaughtUp();
  t.same(db.prepare('SELECT case_type, case_id, state, open FROM cases ORDER BY case_type').all(), [
    { case_type: 'complaint', case_id: 'c1', state: 'received', open: 1 },
    { case_type: 'repair', case_id: 'r1', state: 'reported', open: 1 },
  ]);
  t.ok(summaries.some((s) => s.properties.has('demo')));

  world.advance({ minutes: 10 });
  const written = await world.act('complaint', 'c1', 'acknowledge');
  await runner.waitForPosition(written.position);
  t.equal(db.prepare("SELECT state FROM cases WHERE case_id = 'c1'").pluck().get(), 'handling');
  t.same(summaries.at(-1)!.cases, [{ caseType: 'complaint', caseId: 'c1' }], 'live update names the case');
  const [status] = await runner.status();
  t.match(status, { name: 'cases', version: 6, lagEvents: 0, lagSeconds: 0, caughtUp: true, running: true, error: null });
  t.same(status!.checkpoint, written.position);
  await runner.stop();
});

t.test('resumes from its checkpoint after a restart; lag is visible while stopped', async (t) => {
  const world = await buildWorld();
  await world.act('repair', 'r1', 'report', repairBody);
  const db = openReadModelDb(':memory:');
  const first = runnerFor(world, { db }).runner;
  await first.start();
  await first.waitUntilCaughtUp();
  await first.stop();

  world.advance({ minutes: 5 });
  await world.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  world.advance({ minutes: 5 });
  await world.act('repair', 'r2', 'report', repairBody);
  world.advance({ minutes: 50 });
  const second = runnerFor(world, { db }).runner;
  const [behind] = await second.status();
  t.match(behind, { lagEvents: 2, caughtUp: false, running: false });
  t.equal(behind!.lagSeconds, 60 * 60, 'from the last applied event (the first report) to now');

  const applied: Array<[string, number]> = [];
  second.onApplied((s) => applied.push([s.projection, s.events]));
  await second.start();
  await second.waitUntilCaughtUp();
  // Each projection consumes on its own, in no set order.
  t.same(
    [...applied].sort(),
    [
      ['case_search', 2],
      ['cases', 2],
    ],
    'only the events after the checkpoint, in each projection',
  );
  t.same(db.prepare('SELECT case_id, state, revision FROM cases ORDER BY case_id').all(), [
    { case_id: 'r1', state: 'dispatched', revision: 1 },
    { case_id: 'r2', state: 'reported', revision: 0 },
  ]);
  await second.stop();
});

t.test('a version bump, or rebuild(name), tears the read model down and replays from position 0', async (t) => {
  const world = await buildWorld();
  await world.act('complaint', 'c1', 'receive', complaintBody);
  const db = openReadModelDb(':memory:');
  const counting = (version: number, seen: string[]): Projection => ({
    name: 'seen',
    version,
    setup: (d) => d.exec('CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY)'),
    teardown: (d) => {
      seen.push('teardown');
      d.exec('DROP TABLE IF EXISTS seen');
    },
    apply: (d, event) => {
      seen.push(event.type);
      d.prepare('INSERT OR IGNORE INTO seen VALUES (?)').run(event.id);
    },
  });
  const v1: string[] = [];
  const one = runnerFor(world, { db, projections: [counting(1, v1)] }).runner;
  await one.start();
  await one.waitUntilCaughtUp();
  await one.stop();
  t.same(v1, ['teardown', 'ComplaintReceived'], 'first start sets up from scratch');

  const again: string[] = [];
  const same = runnerFor(world, { db, projections: [counting(1, again)] }).runner;
  await same.start();
  await same.waitUntilCaughtUp();
  await same.stop();
  t.same(again, [], 'same version: nothing replayed');

  const v2: string[] = [];
  const bumped = runnerFor(world, { db, projections: [counting(2, v2)] }).runner;
  await bumped.start();
  await bumped.waitUntilCaughtUp();
  t.same(v2, ['teardown', 'ComplaintReceived']);
  await bumped.rebuild('seen');
  await bumped.waitUntilCaughtUp();
  t.same(v2, ['teardown', 'ComplaintReceived', 'teardown', 'ComplaintReceived']);
  t.equal(db.prepare('SELECT count(*) FROM seen').pluck().get(), 1);
  t.equal(db.prepare("SELECT version FROM projections WHERE name = 'seen'").pluck().get(), 2);
  await t.rejects(bumped.rebuild('nope'), /no projection named nope/);
  await bumped.stop();
});

t.test('a projection that applies in memory folds each event outside the transaction and writes at the end of the batch', async (t) => {
  const world = await buildWorld();
  for (let i = 0; i < 5; i++) await world.act('repair', `r${i}`, 'report', repairBody);
  await world.act('repair', 'r0', 'dispatch', { technicianId: 'tech-7' });
  const db = openReadModelDb(':memory:');
  const log: string[] = [];
  let folded: string[] = [];
  let failOn: string | undefined;
  const inMemory: Projection = {
    name: 'folded',
    version: 1,
    appliesInMemory: true,
    setup: (d) => d.exec('CREATE TABLE IF NOT EXISTS folded (stream TEXT, n INTEGER)'),
    teardown: (d) => d.exec('DROP TABLE IF EXISTS folded'),
    apply: (d, event) => {
      if (d.inTransaction) log.push('apply inside a transaction');
      if (event.metadata.caseId === failOn) throw new Error(`cannot fold ${failOn}`);
      folded.push(event.streamName);
    },
    endBatch: (d) => {
      if (!d.inTransaction) log.push('endBatch outside the transaction');
      d.prepare('INSERT INTO folded VALUES (?, ?)').run(folded.join(','), folded.length);
      folded = [];
    },
    discardBatch: () => {
      log.push(`discarded ${folded.length}`);
      folded = [];
    },
  };
  const runner = runnerFor(world, { db, projections: [inMemory], batchSize: 4 }).runner;
  const summaries: AppliedSummary[] = [];
  runner.onApplied((s) => summaries.push(s));
  await runner.start();
  await runner.waitUntilCaughtUp();
  t.same(db.prepare('SELECT n FROM folded').pluck().all(), [4, 2], 'two batches, each written once');
  t.same(
    summaries.map((s) => [s.events, s.cases.map((c) => c.caseId)]),
    [
      [4, ['r0', 'r1', 'r2', 'r3']],
      [2, ['r4', 'r0']],
    ],
  );

  failOn = 'r2';
  await world.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  await world.act('repair', 'r2', 'dispatch', { technicianId: 'tech-7' });
  await t.rejects(runner.waitUntilCaughtUp(), /projection folded failed: cannot fold r2/);
  t.same(log, ['discarded 1'], 'the folded part of the failed batch is discarded; nothing ran where it should not');
  t.equal(db.prepare('SELECT count(*) FROM folded').pluck().get(), 2, 'nothing of the failed batch is written');
  failOn = undefined;
  await runner.start();
  await runner.waitUntilCaughtUp();
  t.same(db.prepare('SELECT stream FROM folded').pluck().all().at(-1), 'repair-r1,repair-r2', 'the restart folds the batch again, once');
  await runner.stop();
});

t.test('a batch that fails leaves nothing behind; a restart applies it once', async (t) => {
  const world = await buildWorld();
  for (let i = 0; i < 6; i++) {
    await world.act('repair', `r${i}`, 'report', repairBody);
    world.advance({ minutes: 3 });
    await world.act('repair', `r${i}`, 'dispatch', { technicianId: 'tech-7' });
  }
  const db = openReadModelDb(':memory:');
  let calls = 0;
  const throwingOnce: Projection = {
    name: 'boom',
    version: 1,
    setup: (d) => d.exec('CREATE TABLE IF NOT EXISTS boom (n INTEGER)'),
    teardown: (d) => d.exec('DROP TABLE IF EXISTS boom'),
    apply: (d) => {
      if (++calls === 9) throw new Error('disk on fire');
      d.prepare('INSERT INTO boom VALUES (1)').run();
    },
  };
  const projections = [casesProjection(), throwingOnce];
  const failing = runnerFor(world, { db, projections, batchSize: 4 }).runner;
  await failing.start();
  await t.rejects(failing.waitUntilCaughtUp(), /projection boom failed: disk on fire/);
  const [, boom] = await failing.status();
  t.match(boom, { running: false, error: 'disk on fire', lagEvents: 4 });
  t.equal(db.prepare('SELECT count(*) FROM boom').pluck().get(), 8, 'the two whole batches before the failure');
  await failing.start();
  await failing.waitUntilCaughtUp();
  t.equal(db.prepare('SELECT count(*) FROM boom').pluck().get(), 12, 'each event counted once');
  await failing.stop();

  const clean = runnerFor(world);
  await clean.runner.start();
  await clean.runner.waitUntilCaughtUp();
  await clean.runner.stop();
  t.same(tablesOf(db), tablesOf(clean.db), 'the same cases tables as a clean rebuild');
});

t.test('a batch that fails leaves the checkpoint where the batch before it put it; the next process resumes there', async (t) => {
  // Both places a batch can fail inside its transaction: applying a held event, and writing at its end.
  for (const failIn of ['apply', 'endBatch'] as const) {
    const world = await buildWorld();
    for (let i = 0; i < 6; i++) {
      await world.act('repair', `r${i}`, 'report', repairBody);
      world.advance({ minutes: 3 });
      await world.act('repair', `r${i}`, 'dispatch', { technicianId: 'tech-7' });
    }
    const positions = (await world.store.readAll()).filter((e) => matchesFilter(e, CASE_EVENTS)).map((e) => e.position);
    t.equal(positions.length, 12, 'three batches of 4');
    const db = openReadModelDb(':memory:');
    let failing = true;
    let batches = 0;
    const counted: Projection = {
      name: 'counted',
      version: 1,
      setup: (d) => d.exec('CREATE TABLE IF NOT EXISTS counted (id TEXT PRIMARY KEY)'),
      teardown: (d) => d.exec('DROP TABLE IF EXISTS counted'),
      apply: (d, event) => {
        if (failing && failIn === 'apply' && comparePositions(event.position, positions[9]!) === 0) throw new Error('disk on fire');
        d.prepare('INSERT INTO counted VALUES (?)').run(event.id);
      },
      endBatch: () => {
        if (failing && failIn === 'endBatch' && ++batches === 3) throw new Error('disk on fire');
      },
    };
    const stored = () => db.prepare("SELECT checkpoint FROM projections WHERE name = 'counted'").pluck().get();
    const rows = () => db.prepare('SELECT count(*) FROM counted').pluck().get();

    const first = runnerFor(world, { db, projections: [counted], batchSize: 4 }).runner;
    await first.start();
    await t.rejects(first.waitUntilCaughtUp(), /projection counted failed: disk on fire/, failIn);
    t.equal(stored(), formatPosition(positions[7]!), `${failIn}: the stored checkpoint is the last event of the second batch`);
    const [status] = await first.status();
    t.same(status!.checkpoint, positions[7], `${failIn}: and so is the one the runner reports`);
    t.match(status, { running: false, lagEvents: 4 });
    t.equal(rows(), 8, `${failIn}: nothing of the third batch is in the table`);
    await first.stop();

    // Another process on the same read models reads the checkpoint from the table, not from memory.
    failing = false;
    const next = runnerFor(world, { db, projections: [counted], batchSize: 4 }).runner;
    const applied: number[] = [];
    next.onApplied((s) => applied.push(s.events));
    await next.start();
    await next.waitUntilCaughtUp();
    t.same(applied, [4], `${failIn}: only the failed batch is applied again`);
    t.equal(rows(), 12);
    t.equal(stored(), formatPosition(positions[11]!));
    await next.stop();
  }
});
