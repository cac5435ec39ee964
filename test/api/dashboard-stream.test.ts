import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { createCase } from './harness.js';
import { buildDashboardHarness } from './dashboard-harness.js';
import { connect, eventually } from './sse-client.js';

t.test('a stream: the dashboard at once, again on a new case and on a clock move, throttled, cleaned up on disconnect', async (t) => {
  const h = await buildDashboardHarness({ dashboardStream: { minIntervalMs: 50 } });
  t.teardown(h.close);
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { response, events, disconnect } = await connect(h, base, 'manager');
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/event-stream/);
  t.equal(response.headers['cache-control'], 'no-store');
  t.equal(response.headers['x-accel-buffering'], 'no');
  t.same(h.subscriptions, { projections: 2, clock: 2 }, "the stream's own, beside the one the routes share");

  const first = await events.dashboard();
  t.equal(first.id, 1);
  t.match(first.body, { propertyId: 'demo', asOf: '2026-03-02T01:00:00Z', open: { complaint: { total: 0 } }, queues: { unassigned: 0 } });

  const id = await createCase(h, 'complaint');
  const created = await events.dashboard();
  t.equal(created.id, 2);
  t.match(created.body.open.complaint, { total: 1, byState: { received: 1 } });
  t.equal(created.body.intake.complaint.total, 1);
  t.equal(created.body.queues.unassigned, 1, 'the new case waits in the unassigned queue');

  await h.at('2026-03-02T02:40:00Z');
  const moved = await events.dashboard();
  t.equal(moved.id, 3);
  t.equal(moved.body.asOf, '2026-03-02T02:40:00Z');
  t.match(moved.body.atRisk.items, [{ caseId: id, clock: 'response', status: 'at_risk', remainingMinutes: 20 }]);

  // A burst of changes in one tick is one message with the last of them.
  for (const minute of [41, 42, 43, 44, 45]) h.clock.set(Temporal.Instant.from(`2026-03-02T02:${minute}:00Z`));
  const burst = await events.dashboard();
  t.same([burst.id, burst.body.asOf], [4, '2026-03-02T02:45:00Z']);
  await h.at('2026-03-02T03:01:00Z');
  const missed = await events.dashboard();
  t.equal(missed.id, 5, 'nothing was sent between: ids are consecutive');
  t.match(missed.body.missed, { total: 1, items: [{ caseId: id, remainingMinutes: -1 }] });

  disconnect();
  await eventually(() => h.subscriptions.projections === 1 && h.subscriptions.clock === 1);
  t.pass("the stream's runner and clock listeners are gone after the client left");
  await h.at('2026-03-02T03:05:00Z'); // nothing listens: no error either
});

t.test('keep-alive comments, and close() ends open streams', async (t) => {
  const h = await buildDashboardHarness({ dashboardStream: { keepAliveMs: 20 } });
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { events } = await connect(h, base, 'auditor');
  t.equal((await events.dashboard()).id, 1);
  t.same(await events.next(), { comment: 'keep-alive' });
  await h.close();
  for (;;) {
    const message = await events.next();
    if (message === 'end') break;
    t.same(message, { comment: 'keep-alive' }, 'only keep-alives until the end');
  }
  t.same(h.subscriptions, { projections: 0, clock: 0 });
});

t.test('who may stream', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const url = '/v1/dashboard/stream?propertyId=demo';
  t.match((await h.inject('GET', url, { as: 'none' })).json(), { status: 401, code: 'UNAUTHENTICATED' });
  for (const role of ['frontdesk', 'technician'] as const) t.match((await h.inject('GET', url, { as: role })).json(), { status: 403, code: 'FORBIDDEN' }, role);
  t.match((await h.inject('GET', '/v1/dashboard/stream?propertyId=elsewhere', { as: 'dispatcher' })).json(), { status: 403, propertyId: 'elsewhere' });
  t.match((await h.inject('GET', '/v1/dashboard/stream?propertyId=nowhere', { as: 'adminAll' })).json(), { status: 400, code: 'INVALID_COMMAND' });
  t.same(h.subscriptions, { projections: 1, clock: 1 }, "a refused stream subscribes to nothing: only the routes' shared listeners are there");
});
