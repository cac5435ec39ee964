import t from 'tap';
import { buildHarness, CLOCK_START, createCase } from './harness.js';

const clockOf = async (h: Awaited<ReturnType<typeof buildHarness>>, id: string, which: string) =>
  (await h.inject('GET', `/v1/complaints/${id}`)).json().clocks.find((c: { clock: string }) => c.clock === which);

t.test('PUT /v1/admin/clock moves now forward: a running clock turns at risk, then missed', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const id = await createCase(h, 'complaint');
  t.match(await clockOf(h, id, 'response'), { status: 'running', deadline: '2026-03-02T03:00:00Z' });

  const atRisk = await h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now: '2026-03-02T02:40:00Z' } });
  t.equal(atRisk.statusCode, 200);
  t.same(atRisk.json(), { now: '2026-03-02T02:40:00Z' });
  t.match(await clockOf(h, id, 'response'), { status: 'at_risk', remainingMinutes: 20 });

  const late = await h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now: '2026-03-02T03:00:01Z' } });
  t.equal(late.statusCode, 200);
  t.match(await clockOf(h, id, 'response'), { status: 'missed' });
  t.match(await clockOf(h, id, 'resolution'), { status: 'running' });
  t.match((await h.inject('GET', '/readyz', { as: 'none' })).json(), { now: '2026-03-02T03:00:01Z' });

  const acknowledged = await h.inject('POST', `/v1/complaints/${id}/acknowledge`, { body: {} });
  t.equal(acknowledged.statusCode, 200);
  const events = (await h.inject('GET', `/v1/complaints/${id}/events`)).json().events;
  t.match(events[1].metadata, { recordedAt: '2026-03-02T03:00:01Z', occurredAt: '2026-03-02T03:00:01Z' }, 'events are stamped with the manual clock');
  t.match(await clockOf(h, id, 'response'), { status: 'missed', stoppedAt: '2026-03-02T03:00:01Z' });

  const same = await h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now: '2026-03-02T03:00:01Z' } });
  t.equal(same.statusCode, 200, 'setting the same instant is not moving backwards');
});

t.test('backwards → 409, nothing changes', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const back = await h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now: '2026-03-01T00:00:00Z' } });
  t.equal(back.statusCode, 409);
  t.match(back.json(), { code: 'CLOCK_MOVED_BACKWARDS', current: CLOCK_START, requested: '2026-03-01T00:00:00Z' });
  t.equal(h.clock.now().toString(), CLOCK_START);
});

t.test('only an admin of every property; bad bodies are 400', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  for (const caller of ['frontdesk', 'dispatcher', 'technician', 'manager', 'auditor', 'elsewhere', 'admin'] as const) {
    const response = await h.inject('PUT', '/v1/admin/clock', { as: caller, body: { now: '2026-03-03T00:00:00Z' } });
    t.equal(response.statusCode, 403, caller);
  }
  t.match(
    (await h.inject('PUT', '/v1/admin/clock', { as: 'admin', body: { now: '2026-03-03T00:00:00Z' } })).json(),
    { code: 'FORBIDDEN', detail: /every property/ },
    'an admin of one property moves no clock',
  );
  for (const caller of ['none', 'bad'] as const) {
    t.equal((await h.inject('PUT', '/v1/admin/clock', { as: caller, body: { now: '2026-03-03T00:00:00Z' } })).statusCode, 401, caller);
  }
  for (const body of [{}, { now: 'tomorrow' }, { now: '2026-03-03T00:00:00' }, { now: '2026-03-03T00:00:00Z', by: 'me' }]) {
    t.equal((await h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body })).statusCode, 400, JSON.stringify(body));
  }
  t.equal(h.clock.now().toString(), CLOCK_START, 'refused requests did not move the clock');
});

t.test('without CLOCK=manual the route does not exist', async (t) => {
  const h = await buildHarness({ manual: false });
  t.teardown(h.close);
  const response = await h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now: '2026-03-03T00:00:00Z' } });
  t.equal(response.statusCode, 404);
  t.equal(response.json().code, 'ROUTE_NOT_FOUND');
  const doc = (await h.inject('GET', '/openapi.json', { as: 'none' })).json();
  t.notOk(doc.paths['/v1/admin/clock'], 'nor is it documented');
});
