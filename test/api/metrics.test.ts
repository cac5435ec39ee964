import t from 'tap';
import { complaintBody, drive, repairBody } from './harness.js';
import { buildDashboardHarness, recordQueries, type DashboardHarness } from './dashboard-harness.js';
import { appMetrics } from '../../src/api/metrics.js';
import { systemClock } from '../../src/runtime/clock.js';

/** A token of the given role for every property, as a Prometheus scrape config would carry. */
const scraper = (h: DashboardHarness, role: 'auditor' | 'admin' = 'auditor') =>
  h.tokens.store.create({ role, properties: '*', label: `prometheus ${role}` }).token;

const scrape = async (h: DashboardHarness, token = scraper(h)) => {
  const response = await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  if (response.statusCode !== 200) throw new Error(`metrics: ${response.statusCode} ${response.body}`);
  return response;
};

/** The value of one sample, by its name and exact label set as Prometheus prints it. */
const sample = (body: string, series: string): number | undefined => {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

const create = async (h: DashboardHarness, caseType: 'complaint' | 'repair') => {
  const response = await h.inject('POST', `/v1/${caseType}s`, { body: caseType === 'complaint' ? complaintBody() : repairBody() });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json<{ id: string }>().id;
};

t.test('a small scenario, scraped', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const c1 = await create(h, 'complaint');
  const c2 = await create(h, 'complaint');
  await create(h, 'repair');
  const r2 = await create(h, 'repair');
  await drive(h, 'complaint', c2, ['withdraw']);
  await drive(h, 'repair', r2, ['dispatch']);
  await h.inject('GET', '/nowhere', { as: 'admin' });
  await h.inject('GET', `/v1/complaints/${c1}`, { as: 'admin' });
  // 10:40 local: c1's response (due 11:00) is at risk, the undispatched repair's (due 09:30) missed.
  await h.at('2026-03-02T02:40:00Z');
  await h.caughtUp();

  const response = await scrape(h);
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const body = response.body;
  t.equal(sample(body, 'wuye_open_cases{property_id="demo",case_type="complaint"}'), 1, 'the withdrawn complaint is not open');
  t.equal(sample(body, 'wuye_open_cases{property_id="demo",case_type="repair"}'), 2);
  t.equal(sample(body, 'wuye_sla_clocks_at_risk{property_id="demo",case_type="complaint",clock="response"}'), 1);
  t.equal(sample(body, 'wuye_sla_clocks_missed{property_id="demo",case_type="repair",clock="response"}'), 1);
  t.equal(body.match(/^wuye_sla_clocks_(at_risk|missed)\{/gm)?.length, 2, 'no other clock at risk or missed');
  t.equal(sample(body, 'wuye_projection_lag_events{projection="cases"}'), 0);
  t.equal(sample(body, 'wuye_projection_lag_seconds{projection="cases"}'), 0);
  t.equal(sample(body, 'wuye_http_request_duration_seconds_count{route="/v1/complaints",method="POST",status_code="201"}'), 2);
  t.equal(sample(body, 'wuye_http_request_duration_seconds_count{route="/v1/repairs/:id/dispatch",method="POST",status_code="200"}'), 1);
  t.equal(sample(body, 'wuye_http_request_duration_seconds_count{route="/v1/complaints/:id",method="GET",status_code="200"}'), 1);
  t.equal(sample(body, 'wuye_http_request_duration_seconds_count{route="unmatched",method="GET",status_code="404"}'), 1);
  t.notMatch(body, c1, 'route patterns, never raw URLs');
  t.match(body, /^process_cpu_user_seconds_total /m, 'default process metrics');
  t.match(body, /^nodejs_eventloop_lag_seconds /m);
  t.match(body, /^nodejs_heap_size_used_bytes /m);

  // Later: the complaint's response is missed too; gauges are read at scrape time.
  await h.at('2026-03-02T03:01:00Z');
  const later = (await scrape(h)).body;
  t.equal(sample(later, 'wuye_sla_clocks_missed{property_id="demo",case_type="complaint",clock="response"}'), 1);
  t.equal(sample(later, 'wuye_sla_clocks_at_risk{property_id="demo",case_type="complaint",clock="response"}'), undefined, 'a series gone is gone');
  t.equal(sample(later, 'wuye_http_request_duration_seconds_count{route="/metrics",method="GET",status_code="200"}'), 1, 'the first scrape is counted');
});

t.test('projection lag: events and seconds behind', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  await create(h, 'complaint');
  await h.caughtUp();
  await h.runner!.stop();
  await h.at('2026-03-02T01:00:30Z');
  await create(h, 'repair');
  await create(h, 'repair');
  await h.at('2026-03-02T01:01:00Z');
  const body = (await scrape(h)).body;
  t.equal(sample(body, 'wuye_projection_lag_events{projection="cases"}'), 2);
  t.equal(sample(body, 'wuye_projection_lag_seconds{projection="cases"}'), 60, 'since the last event applied, recorded at 01:00');
  const dashboard = await h.inject('GET', '/v1/dashboard?propertyId=demo', { as: 'manager' });
  t.match(dashboard.json().lag, [{ projection: 'cases', events: 2, seconds: 60, caughtUp: false }]);
});

t.test('who may scrape', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  await scrape(h, scraper(h, 'admin'));
  t.equal((await h.inject('GET', '/metrics', { as: 'adminAll' })).statusCode, 200);
  t.match((await h.inject('GET', '/metrics', { as: 'none' })).json(), { status: 401, code: 'UNAUTHENTICATED' });
  for (const role of ['frontdesk', 'dispatcher', 'technician', 'manager'] as const) {
    t.match((await h.inject('GET', '/metrics', { as: role })).json(), { status: 403, code: 'FORBIDDEN' }, role);
  }
  const scoped = await h.inject('GET', '/metrics', { as: 'auditor' });
  t.match(scoped.json(), { status: 403, code: 'FORBIDDEN', detail: /every property/ }, 'an auditor of one property would see all of them');
});

t.test('without read models or runner; one registry per app', async (t) => {
  const bare = await buildDashboardHarness({ readModels: false });
  t.teardown(bare.close);
  const other = await buildDashboardHarness();
  t.teardown(other.close);
  await create(other, 'complaint');
  const body = (await scrape(bare)).body;
  t.match(body, /^# TYPE wuye_open_cases gauge$/m);
  t.notMatch(body, /^wuye_open_cases\{/m, 'no figures without read models');
  t.notMatch(body, /^wuye_projection_lag_events\{/m);
  t.notMatch(body, /route="\/v1\/complaints"/, "the other app's requests are not counted here");
  t.match(body, /^process_cpu_user_seconds_total /m);
});

t.test("the event store's group commits: appends and transactions, for a store that counts them", async (t) => {
  const counting = appMetrics({ clock: systemClock, store: { stats: () => ({ appends: 340, transactions: 10 }) } });
  const body = await counting.registry.metrics();
  t.equal(sample(body, 'wuye_store_appends_total'), 340);
  t.equal(sample(body, 'wuye_store_transactions_total'), 10, '34 appends an fsync');
  const silent = await appMetrics({ clock: systemClock, store: {} }).registry.metrics();
  t.notMatch(silent, /wuye_store_/, 'a store that does not count them shows nothing rather than zeros');
});

t.test('a scrape reads the clocks of open cases once for both clock gauges', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  await create(h, 'complaint');
  await h.caughtUp();
  const db = h.db!;
  const prepare = db.prepare.bind(db);
  let clockQueries = 0;
  t.teardown(() => void (db.prepare = prepare));
  db.prepare = ((sql: string) => {
    if (sql.includes("status IN ('at_risk', 'missed')")) clockQueries += 1;
    return prepare(sql);
  }) as typeof db.prepare;
  await scrape(h);
  t.equal(clockQueries, 1);
});

t.test('with a projection thread, a scrape has the thread count the cases and reads nothing itself', async (t) => {
  const asked: number[] = [];
  const h = await buildDashboardHarness({
    caseCounts: async (now) => {
      asked.push(now);
      return {
        open: [{ property_id: 'demo', case_type: 'complaint', n: 7 }],
        alerts: [{ property_id: 'demo', case_type: 'repair', clock: 'dispatch', status: 'missed', n: 2 }],
      };
    },
  });
  t.teardown(h.close);
  await create(h, 'complaint');
  await h.caughtUp();
  const readHere = recordQueries(t, h.db!);
  const body = (await scrape(h)).body;
  t.same(asked, [h.clock.now().epochMilliseconds], 'asked once, at the clock of the scrape');
  t.equal(sample(body, 'wuye_open_cases{property_id="demo",case_type="complaint"}'), 7, "the thread's figures, not the read model's 1");
  t.equal(sample(body, 'wuye_sla_clocks_missed{property_id="demo",case_type="repair",clock="dispatch"}'), 2);
  t.same(readHere, [], 'no query on the request thread');
});
