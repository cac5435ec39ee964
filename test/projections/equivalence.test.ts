import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { casesProjection, createProjectionRunner, openReadModelDb } from '../../src/projections/index.js';
import { projectedEvent } from '../../src/projections/consumer.js';
import { matchesFilter } from '../../src/store/port.js';
import { CASE_EVENTS } from '../../src/projections/log-scan.js';
import { buildWorld, runnerFor, tablesOf } from './harness.js';
import { historyOf, stepArbitrary } from './histories.js';

const stats = { events: 0, batches: 0, crashes: 0 };
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

      // At-least-once: every event applied again, in one batch, changes nothing.
      const projection = casesProjection();
      const ruleset = world.ruleset;
      const events = (await world.store.readAll()).filter((e) => matchesFilter(e, CASE_EVENTS)).map(projectedEvent);
      rebuilt.db.transaction(() => {
        for (const event of events) projection.apply(rebuilt.db, event, { ruleset: () => ruleset });
        projection.endBatch!(rebuilt.db, { ruleset: () => ruleset });
      })();
      assert.deepEqual(tablesOf(rebuilt.db), expected);
    }),
    { numRuns: 50 },
  );
  t.ok(stats.events > 50 * 15 && stats.batches > 50 * 5, `histories of ${stats.events} events in ${stats.batches} live batches`);
});

t.test('a failure on the Nth event, then a restart, equals a clean rebuild', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 10, maxLength: 40, size: 'max' }), fc.nat(60), fc.integer({ min: 1, max: 6 }), async (steps, n, batchSize) => {
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
      const restarted = createProjectionRunner({ store: world.store, db, projections: [casesProjection()], rulesets: world.rulesets, clock: world.clock, batchSize });
      await restarted.start();
      await restarted.waitUntilCaughtUp();
      await restarted.stop();

      const clean = runnerFor(world);
      await clean.runner.start();
      await clean.runner.waitUntilCaughtUp();
      await clean.runner.stop();
      assert.deepEqual(tablesOf(db), tablesOf(clean.db));
      if (thrown) stats.crashes++;
    }),
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
      const bounded = runnerFor(world, { batchSize: 1000, batchCases });
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
