import t from 'tap';
import { queueIds } from '../../src/domain/record/queues.js';
import { listCases } from '../../src/projections/search/case-list.js';
import { phoneDigest } from '../../src/projections/search/phone-digest.js';
import { queueCounts } from '../../src/projections/search/queues.js';
import { buildDashboardHarness, TEST_PHONE_KEY } from './dashboard-harness.js';
import { complaintBody, repairBody } from './harness.js';

// The server's wiring: GET /v1/cases and /v1/queues answered by the search thread, on its own connection.
const h = await buildDashboardHarness({ searchThread: true });
t.teardown(h.close);

const create = async (collection: string, body: unknown) => {
  const response = await h.inject('POST', `/v1/${collection}`, { body });
  if (response.statusCode !== 201) throw new Error(response.body);
  h.clock.set(h.clock.now().add({ minutes: 1 }));
  return response.json<{ id: string; number: string }>();
};
const noisy = await create(
  'complaints',
  complaintBody({ unit: '3-2-1201', description: '楼上深夜装修噪音，影响休息', owner: { name: '王', phone: '13900001111' } }),
);
await create('complaints', complaintBody({ unit: '5-1-0302', category: 'parking', description: '地库车位被占用' }));
await create('complaints', complaintBody({ unit: '3-20-0101', description: '电梯异响' }));
const leak = await create('repairs', repairBody({ location: '3-2-1502', description: '厨房水管漏水' }));
await h.caughtUp();

const ids = async (query: string) => {
  const response = await h.inject('GET', `/v1/cases?propertyId=demo&limit=2&${query}`);
  if (response.statusCode !== 200) throw new Error(`${query}: ${response.body}`);
  return response.json<{ items: Array<{ id: string }>; next: string | null }>();
};

t.test('a search through the thread answers what the same query on the request thread reads', async (t) => {
  const searches: Array<[string, Record<string, string>]> = [
    ['', {}],
    [`q=${noisy.number}`, { q: noisy.number }],
    ['q=3-2', { q: '3-2' }],
    [`q=${encodeURIComponent('装修')}`, { q: '装修' }],
    [`q=${encodeURIComponent('水管漏水')}`, { q: '水管漏水' }],
    ['phone=139%200000%201111', { phoneDigest: phoneDigest(TEST_PHONE_KEY, '13900001111') }],
  ];
  for (const [query, search] of searches) {
    const page = await ids(query);
    const direct = listCases(h.db!, { propertyId: 'demo', limit: 2, ...search });
    t.same(
      page.items.map((i) => i.id),
      direct.slice(0, 2).map((row) => row.case_id),
      query || 'no search',
    );
    t.equal(page.next !== null, direct.length > 2, `${query || 'no search'}: another page`);
  }
  t.same(
    (await ids('q=3-2')).items.map((i) => i.id),
    [leak.id, noisy.id],
    'building 3, entrance 2: not 3-20',
  );
  t.same(
    (await ids('phone=139%200000%201111')).items.map((i) => i.id),
    [noisy.id],
  );
});

t.test('the queues counted through the thread are those counted on the request thread', async (t) => {
  const response = await h.inject('GET', '/v1/queues?propertyId=demo');
  t.equal(response.statusCode, 200);
  const { queues, asOf } = response.json<{ queues: Record<string, number>; asOf: string }>();
  const direct = queueCounts(h.db!, 'demo', { now: Date.parse(asOf), pausedLongMs: 0 });
  for (const queue of queueIds.filter((q) => q !== 'paused_long')) t.equal(queues[queue], direct[queue], queue);
  t.equal(queues.unassigned, 4, 'the four records just received');
});

t.test('a missing read model is a 503 through the thread too', async (t) => {
  h.db!.exec('DROP TABLE case_text');
  const response = await h.inject('GET', `/v1/cases?propertyId=demo&q=${encodeURIComponent('装修')}`);
  t.equal(response.statusCode, 503);
  t.match(response.json(), { code: 'READ_MODELS_UNAVAILABLE' });
});

t.test("the dashboard's figures are read on the search thread, as the same query reads them on the read model", async (t) => {
  const response = await h.inject('GET', '/v1/dashboard?propertyId=demo', { as: 'manager' });
  t.equal(response.statusCode, 200, response.body);
  const { dashboardFigures } = await import('../../src/projections/dashboard-queries.js');
  const body = response.json<{ open: unknown; queues: unknown; asOf: string }>();
  const q = { propertyId: 'demo', now: Date.parse(body.asOf), today: body.asOf.slice(0, 10), filters: {}, limit: 100, pausedLongMs: 72 * 3_600_000 };
  const local = dashboardFigures(h.db!, q);
  t.same(body.open, local.open);
  t.match(body.open, { complaint: { total: 3 }, repair: { total: 1 } });
});

t.test('with a search thread, the projection thread is not asked for the figures', async (t) => {
  const other = await buildDashboardHarness({
    searchThread: true,
    dashboardFigures: async () => {
      throw new Error('the figures were asked of the projection thread');
    },
  });
  t.teardown(other.close);
  const created = await other.inject('POST', '/v1/complaints', { body: complaintBody() });
  t.equal(created.statusCode, 201);
  await other.caughtUp();
  const response = await other.inject('GET', '/v1/dashboard?propertyId=demo', { as: 'manager' });
  t.equal(response.statusCode, 200, response.body);
  t.match(response.json(), { open: { complaint: { total: 1 } } });
});
