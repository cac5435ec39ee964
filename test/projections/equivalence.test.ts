import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { casesProjection, createProjectionRunner, openReadModelDb, type AppliedSummary, type ProjectedEvent } from '../../src/projections/index.js';
import { projectedEvent } from '../../src/projections/consumer.js';
import { comparePositions, matchesFilter, type Position } from '../../src/store/port.js';
import { CASE_EVENTS } from '../../src/projections/log-scan.js';
import { recordTypes } from '../../src/domain/records.js';
import { buildWorld, repairBody, runnerFor, tablesOf } from './harness.js';
import { historyOf, stepArbitrary } from './histories.js';

const stats = { events: 0, batches: 0, crashes: 0, types: new Set<string>() };
t.test('live batches, a rebuild from zero and a redelivery of everything give the same tables', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 10, maxLength: 40, size: 'max' }), fc.integer({ min: 1, max: 7 }), async (steps, batchSize) => {
      const world = await buildWorld();
      const runStep = historyOf(world);
      const live = runnerFor(world, { batchSize });
      let batchesSeen = 0;
      live.runner.onApplied(() => batchesSeen++);
      await live.runner.start();
      for (const step of steps) {
        await runStep(step);
        if (step.sync) await live.runner.waitUntilCaughtUp();
      }
      await live.runner.waitUntilCaughtUp();
      await live.runner.stop();

      const rebuilt = runnerFor(world, { batchSize: 1000 });
      await rebuilt.runner.start();
      await rebuilt.runner.waitUntilCaughtUp();
      await rebuilt.runner.stop();
      const expected = tablesOf(rebuilt.db);
      assert.deepEqual(tablesOf(live.db), expected);
      stats.events += (await world.store.readAll()).length;
      stats.batches += batchesSeen;
      for (const row of expected.kpis as Array<{ case_type: string }>) stats.types.add(row.case_type);

      // At-least-once: every event applied again, in one batch, changes nothing.
      const projection = casesProjection();
      const ruleset = world.ruleset;
      const events = (await world.store.readAll()).filter((e) => matchesFilter(e, CASE_EVENTS)).map(projectedEvent);
      rebuilt.db.transaction(() => {
        for (const event of events) projection.apply(rebuilt.db, event, { ruleset: () => ruleset });
        projection.endBatch!(rebuilt.db, { ruleset: () => ruleset }, { catchingUp: false });
      })();
      assert.deepEqual(tablesOf(rebuilt.db), expected);
    }),
    { numRuns: 50 },
  );
  t.ok(stats.events > 50 * 15 && stats.batches > 50 * 5, `histories of ${stats.events} events in ${stats.batches} live batches`);
  t.same([...stats.types].sort(), [...recordTypes].sort(), 'every record type was projected');
});

t.test('a failure on the Nth event, then a restart, equals a clean rebuild', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(stepArbitrary, { minLength: 10, maxLength: 40, size: 'max' }),
      fc.nat(60),
      fc.integer({ min: 1, max: 6 }),
      async (steps, n, batchSize) => {
        const world = await buildWorld();
        const runStep = historyOf(world);
        for (const step of steps) await runStep(step);
        const caseEvents = (await world.store.readAll()).filter((e) => matchesFilter(e, CASE_EVENTS)).length;
        const failAt = 1 + (n % caseEvents);
        const db = openReadModelDb(':memory:');
        const cases = casesProjection();
        let seen = 0;
        let thrown = false;
        const failingOnce = {
          ...cases,
          apply: (...args: Parameters<typeof cases.apply>) => {
            if (!thrown && ++seen === failAt) {
              thrown = true;
              throw new Error('crash inside the batch');
            }
            cases.apply(...args);
          },
        };
        const runner = createProjectionRunner({ store: world.store, db, projections: [failingOnce], rulesets: world.rulesets, clock: world.clock, batchSize });
        await runner.start();
        await runner.waitUntilCaughtUp().catch(() => {});
        await runner.stop();
        const restarted = createProjectionRunner({
          store: world.store,
          db,
          projections: [casesProjection()],
          rulesets: world.rulesets,
          clock: world.clock,
          batchSize,
        });
        await restarted.start();
        await restarted.waitUntilCaughtUp();
        await restarted.stop();

        const clean = runnerFor(world);
        await clean.runner.start();
        await clean.runner.waitUntilCaughtUp();
        await clean.runner.stop();
        assert.deepEqual(tablesOf(db), tablesOf(clean.db));
        if (thrown) stats.crashes++;
      },
    ),
    { numRuns: 30 },
  );
  t.equal(stats.crashes, 30, 'every run failed once inside a batch');
});

t.test('a batch ends once it has touched batchCases cases, and the tables come out the same', async (t) => {
  let largest = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 10, maxLength: 40, size: 'max' }), fc.integer({ min: 1, max: 3 }), async (steps, batchCases) => {
      const world = await buildWorld();
      const runStep = historyOf(world);
      for (const step of steps) await runStep(step);
      // Holding nothing back, each batch writes exactly the cases it touched.
      const bounded = runnerFor(world, { batchSize: 1000, batchCases, projections: [casesProjection({ holdBatches: 0 })] });
      // Listeners' failures do not reach the runner's caller: the sizes are checked after the run.
      const sizes: number[] = [];
      bounded.runner.onApplied((summary) => sizes.push(summary.cases.length));
      await bounded.runner.start();
      await bounded.runner.waitUntilCaughtUp();
      await bounded.runner.stop();
      assert.ok(Math.max(...sizes) <= batchCases, `batches touched ${sizes.join(', ')} cases, over ${batchCases}`);
      largest = Math.max(largest, ...sizes);
      const whole = runnerFor(world, { batchSize: 1000 });
      await whole.runner.start();
      await whole.runner.waitUntilCaughtUp();
      await whole.runner.stop();
      assert.deepEqual(tablesOf(bounded.db), tablesOf(whole.db));
    }),
    { numRuns: 30 },
  );
  t.equal(largest, 3, 'some batch was full to its bound of cases');
});

/** The events at or before `checkpoint` whose case row does not hold them. */
const missingUpTo = (db: ReturnType<typeof openReadModelDb>, events: readonly ProjectedEvent[], checkpoint: Position | null): string[] => {
  const revision = db.prepare<[string, string], number>('SELECT revision FROM cases WHERE case_type = ? AND case_id = ?').pluck();
  return events
    .filter((e) => checkpoint !== null && comparePositions(e.position, checkpoint) <= 0)
    .filter((e) => (revision.get(e.caseType, e.metadata.caseId) ?? -1) < Number(e.revision))
    .map((e) => `${e.streamName}@${e.revision}`);
};

t.test('a catch-up holds open cases back, its checkpoint never passes an event not written, and the tables come out the same', async (t) => {
  const seen = { held: 0, batches: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.array(stepArbitrary, { minLength: 10, maxLength: 40, size: 'max' }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      async (steps, batchSize, holdBatches, heldCases) => {
        const world = await buildWorld();
        const runStep = historyOf(world);
        for (const step of steps) await runStep(step);
        const events = (await world.store.readAll()).filter((e) => matchesFilter(e, CASE_EVENTS)).map(projectedEvent);
        const holding = runnerFor(world, { batchSize, projections: [casesProjection({ holdBatches, heldCases })] });
        const problems: string[] = [];
        let applied = 0;
        holding.runner.onApplied((summary) => {
          seen.batches += 1;
          applied += summary.events;
          const last = events[applied - 1]!.position;
          if (summary.checkpoint === null || comparePositions(summary.checkpoint, last) < 0) seen.held += 1;
          problems.push(...missingUpTo(holding.db, events, summary.checkpoint));
          if (summary.cases.length > heldCases + batchSize) problems.push(`${summary.cases.length} cases written at once`);
        });
        await holding.runner.start();
        await holding.runner.waitUntilCaughtUp();
        await holding.runner.stop();
        assert.deepEqual(problems, []);
        const clean = runnerFor(world, { projections: [casesProjection({ holdBatches: 0 })] });
        await clean.runner.start();
        await clean.runner.waitUntilCaughtUp();
        await clean.runner.stop();
        assert.deepEqual(tablesOf(holding.db), tablesOf(clean.db));
      },
    ),
    { numRuns: 40 },
  );
  t.ok(seen.held > 0, `some of ${seen.batches} batches ended with a checkpoint behind the events applied`);
});

t.test('a catch-up writes a case once when its events come before it ends, however many batches they span', async (t) => {
  const world = await buildWorld();
  const ids = ['r1', 'r2', 'r3'];
  for (const id of ids) await world.act('repair', id, 'report', repairBody);
  for (const id of ids) await world.act('repair', id, 'cancel', { reason: '业主取消' });
  await world.act('repair', 'r4', 'report', repairBody);
  const holding = runnerFor(world, { batchSize: 1, projections: [casesProjection({ holdBatches: 100 })] });
  const summaries: AppliedSummary[] = [];
  holding.runner.onApplied((summary) => summaries.push(summary));
  await holding.runner.start();
  await holding.runner.waitUntilCaughtUp();
  await holding.runner.stop();
  const written = summaries.flatMap((s) => s.cases.map((c) => c.caseId));
  t.same(written, ['r1', 'r2', 'r3', 'r4'], 'each cancelled case when cancelled, the open one at the end of the catch-up');
  t.same(
    summaries.map((s) => s.events),
    [1, 1, 1, 1, 1, 1, 1, 0].slice(0, summaries.length),
    'a batch an event',
  );
  t.same(
    summaries.slice(0, 3).map((s) => s.checkpoint),
    [null, null, null],
    'no checkpoint while r1 is held back from the first event',
  );
  const positions = (await world.store.readAll()).filter((e) => matchesFilter(e, CASE_EVENTS)).map((e) => e.position);
  t.same(summaries[3]!.checkpoint, positions[0], 'once r1 is written, the checkpoint is just before r2 opened');
  t.same(summaries[4]!.checkpoint, positions[1], 'then just before r3 opened');
  t.same(summaries.at(-1)!.checkpoint, positions.at(-1), 'and caught up, at the last event');
});

t.test('a catch-up stopped after any batch and started again, its memory kept, equals a clean rebuild', async (t) => {
  let stoppedEarly = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(stepArbitrary, { minLength: 10, maxLength: 40, size: 'max' }),
      fc.integer({ min: 1, max: 4 }),
      fc.nat(20),
      async (steps, batchSize, stopAfter) => {
        const world = await buildWorld();
        const runStep = historyOf(world);
        for (const step of steps) await runStep(step);
        const interrupted = runnerFor(world, { batchSize });
        let batches = 0;
        let stopping: Promise<void> | undefined;
        let stopped = () => {};
        const stoppedPartWay = new Promise<void>((resolve) => (stopped = resolve));
        const unsubscribe = interrupted.runner.onApplied(() => {
          if (++batches === stopAfter + 1) stopping = interrupted.runner.stop().then(stopped);
        });
        await interrupted.runner.start();
        // A stopped runner never catches up: whichever comes first.
        await Promise.race([interrupted.runner.waitUntilCaughtUp(), stoppedPartWay]);
        if (stopping) {
          await stopping;
          stoppedEarly += 1;
        }
        unsubscribe();
        await interrupted.runner.start();
        await interrupted.runner.waitUntilCaughtUp();
        await interrupted.runner.stop();
        const clean = runnerFor(world);
        await clean.runner.start();
        await clean.runner.waitUntilCaughtUp();
        await clean.runner.stop();
        assert.deepEqual(tablesOf(interrupted.db), tablesOf(clean.db));
      },
    ),
    { numRuns: 40 },
  );
  t.ok(stoppedEarly > 10, `${stoppedEarly} of 40 catch-ups were stopped part way`);
});
