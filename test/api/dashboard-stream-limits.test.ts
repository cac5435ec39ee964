import { request as httpRequest } from 'node:http';
import t from 'tap';
import { dashboardFigures } from '../../src/projections/dashboard-queries.js';
import { createCase } from './harness.js';
import { buildDashboardHarness } from './dashboard-harness.js';
import { connect, eventually } from './sse-client.js';

const tokenIdOf = (token: string) => /^wk_([a-z0-9]+)_/.exec(token)![1]!;

/** The body of a refused stream: it is answered, not held open. */
const readAll = async (response: import('node:http').IncomingMessage) => {
  let body = '';
  for await (const chunk of response) body += chunk;
  return body;
};

t.test('open streams are capped per token and in all, with 429 and Retry-After', async (t) => {
  const h = await buildDashboardHarness({ dashboardStream: { caps: { perToken: 2, total: 3 } } });
  t.teardown(h.close);
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const first = await connect(h, base, 'manager');
  const second = await connect(h, base, 'manager');
  t.same([first.response.statusCode, second.response.statusCode], [200, 200]);
  const third = await connect(h, base, 'manager');
  t.equal(third.response.statusCode, 429, "a token's third stream is refused");
  t.equal(third.response.headers['retry-after'], '10');
  t.match(JSON.parse(await readAll(third.response)), { code: 'TOO_MANY_STREAMS', detail: /already has 2 open dashboard streams \(at most 2\)/ });

  const auditor = await connect(h, base, 'auditor');
  t.equal(auditor.response.statusCode, 200, 'another token still has room');
  const dispatcher = await connect(h, base, 'dispatcher');
  t.equal(dispatcher.response.statusCode, 429, 'but the server holds at most 3');
  t.match(JSON.parse(await readAll(dispatcher.response)), { detail: /the server has 3 open dashboard streams/ });

  first.disconnect();
  await eventually(() => h.subscriptions.projections === 3, 3_000);
  const again = await connect(h, base, 'dispatcher');
  t.equal(again.response.statusCode, 200, 'a closed stream makes room');
  for (const open of [second, auditor, again]) open.disconnect();
});

t.test('HEAD on the stream is answered at once and subscribes to nothing', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const request = httpRequest(
      `${base}/v1/dashboard/stream?propertyId=demo`,
      { method: 'HEAD', headers: { authorization: `Bearer ${h.tokens.secrets.manager}` } },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/event-stream/);
  t.equal(await readAll(response), '');
  t.same(h.subscriptions, { projections: 1, clock: 1 }, "only the routes' shared listeners");
});

t.test("a revoked token's open stream is ended within about a second", async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { events } = await connect(h, base, 'manager');
  t.equal((await events.dashboard()).id, 1);
  const kept = await connect(h, base, 'auditor');
  t.equal((await kept.events.dashboard()).id, 1);
  t.ok(h.tokens.store.revoke(tokenIdOf(h.tokens.secrets.manager)));
  const revokedAt = Date.now();
  t.equal(await events.next(3_000), 'end', 'the stream ends');
  t.ok(Date.now() - revokedAt < 2_500, `within ${Date.now() - revokedAt} ms`);
  await createCase(h, 'complaint');
  t.match((await kept.events.dashboard()).body, { open: { complaint: { total: 1 } } }, "another token's stream goes on");
  kept.disconnect();
});

t.test('viewers of the same board share one computation per change', async (t) => {
  let computed = 0;
  const h = await buildDashboardHarness({
    dashboardStream: { minIntervalMs: 20 },
    dashboardFigures: async (q) => {
      computed++;
      return dashboardFigures(h.db!, q);
    },
  });
  t.teardown(h.close);
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const viewers = await Promise.all(Array.from({ length: 6 }, (_, i) => connect(h, base, (['manager', 'auditor', 'dispatcher'] as const)[i % 3])));
  const firsts = await Promise.all(viewers.map((v) => v.events.dashboard()));
  t.equal(new Set(firsts.map((f) => JSON.stringify(f.body))).size, 1, 'all see the same dashboard');
  t.equal(computed, 1, 'computed once for six viewers who came within a second');

  await createCase(h, 'complaint');
  const seconds = await Promise.all(viewers.map((v) => v.events.dashboard()));
  t.ok(
    seconds.every((s) => s.body.open.complaint.total === 1),
    'each sees the new case',
  );
  t.equal(computed, 2, 'and it was computed once more, not six times');
  const asked = await h.inject('GET', '/v1/dashboard?propertyId=demo', { as: 'manager' });
  t.equal(asked.statusCode, 200);
  t.same(asked.json(), seconds[0]!.body, 'a GET of the same query at the same change answers the same dashboard');
  t.equal(computed, 2, 'shared with the streams, not computed again');

  const filtered = await connect(h, base, 'manager', 'propertyId=demo&category=noise');
  t.match((await filtered.events.dashboard()).body.filters, { category: 'noise' });
  t.equal(computed, 3, 'another query is a dashboard of its own');
  for (const v of [...viewers, filtered]) v.disconnect();
});

t.test('closing the server ends every open stream at once', async (t) => {
  const h = await buildDashboardHarness({ dashboardStream: { caps: { perToken: 100, total: 100 } } });
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const viewers = await Promise.all(Array.from({ length: 60 }, () => connect(h, base, 'manager')));
  await Promise.all(viewers.map((v) => v.events.dashboard()));
  const started = Date.now();
  await h.close();
  const ended = await Promise.all(
    viewers.map(async (v) => {
      for (;;) if ((await v.events.next(5_000)) === 'end') return true;
    }),
  );
  t.equal(ended.length, 60, 'all 60 ended');
  t.ok(Date.now() - started < 5_000, `closed in ${Date.now() - started} ms`);
});
