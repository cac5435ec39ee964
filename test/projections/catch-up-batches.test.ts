import t from 'tap';
import { casesProjection, type AppliedSummary } from '../../src/projections/index.js';
import { buildWorld, complaintBody, runnerFor } from './harness.js';

t.test('behind, a projection applies catch-up batches; caught up, live batches', async (t) => {
  const world = await buildWorld();
  for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) await world.act('complaint', id, 'receive', complaintBody);
  const { db, runner } = runnerFor(world, { projections: [casesProjection()], batchSize: 2, catchUpBatchSize: 5 });
  const batches: AppliedSummary[] = [];
  runner.onApplied((summary) => batches.push(summary));
  await runner.start();
  await runner.waitUntilCaughtUp();
  t.same(
    batches.map((b) => b.events),
    [5, 1],
    'the six events of the log in batches of up to five',
  );
  batches.length = 0;
  for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await world.act('complaint', id, 'acknowledge');
  const last = await world.act('complaint', 'c6', 'acknowledge');
  await runner.waitForPosition(last.position);
  t.equal(
    batches.reduce((sum, b) => sum + b.events, 0),
    6,
  );
  t.ok(
    batches.every((b) => b.events <= 2),
    `live batches of at most two: ${batches.map((b) => b.events).join(', ')}`,
  );
  t.equal(db.prepare("SELECT count(*) FROM cases WHERE state = 'handling'").pluck().get(), 6);
  await runner.stop();
});
