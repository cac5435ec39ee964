import t from 'tap';
import { clockHeldToLog } from '../../src/runtime/log-clock.js';
import { Temporal } from 'temporal-polyfill';
import { buildHarness, complaintBody } from './harness.js';

/** The log's last recordedAt, an hour after what the server's clock reads (the harness's CLOCK_START, 01:00). */
const LAST = '2026-03-02T02:00:00Z';

const metricValue = (body: string, name: string) =>
  Number(
    body
      .split('\n')
      .find((line) => line.startsWith(`${name} `))
      ?.slice(name.length + 1),
  );

t.test('a clock behind the log: /readyz warns and stays ready, /metrics says by how much, writes are recorded at the last recordedAt', async (t) => {
  const h = await buildHarness({ manual: false, clock: (base) => clockHeldToLog(base, LAST, { toleranceMs: 5_000 }) });
  t.teardown(h.close);

  const ready = await h.inject('GET', '/readyz', { as: 'none' });
  t.equal(ready.statusCode, 200, 'ready: writes are still recorded correctly');
  t.match(ready.json(), {
    status: 'ready',
    now: LAST,
    warnings: [
      { code: 'CLOCK_BEHIND_LOG', behindSeconds: 3600, clockReads: '2026-03-02T01:00:00Z', recordingAt: LAST, detail: /behind the log's last recordedAt/ },
    ],
  });
  const metrics = await h.inject('GET', '/metrics', { as: 'adminAll' });
  t.equal(metrics.statusCode, 200);
  t.equal(metricValue(metrics.body, 'wuye_clock_behind_log_seconds'), 3600);

  const created = await h.inject('POST', '/v1/complaints', { body: complaintBody() });
  t.equal(created.statusCode, 201, 'a write is accepted');
  const [event] = (await h.store.readAll()).filter((e) => e.type === 'ComplaintReceived');
  t.equal((event!.metadata as { recordedAt: string }).recordedAt, LAST, 'recorded at the last recordedAt, not an hour earlier');

  h.clock.set(Temporal.Instant.from('2026-03-02T02:00:03Z'));
  const caughtUp = await h.inject('GET', '/readyz', { as: 'none' });
  t.notOk(caughtUp.json().warnings, 'caught up: no warning');
  t.equal(metricValue((await h.inject('GET', '/metrics', { as: 'adminAll' })).body, 'wuye_clock_behind_log_seconds'), 0);
});

t.test('behind by no more than the tolerance: held, not warned about', async (t) => {
  const h = await buildHarness({ manual: false, clock: (base) => clockHeldToLog(base, '2026-03-02T01:00:04Z', { toleranceMs: 5_000 }) });
  t.teardown(h.close);
  const ready = await h.inject('GET', '/readyz', { as: 'none' });
  t.equal(ready.json().now, '2026-03-02T01:00:04Z');
  t.notOk(ready.json().warnings);
  t.equal(metricValue((await h.inject('GET', '/metrics', { as: 'adminAll' })).body, 'wuye_clock_behind_log_seconds'), 4);
});
