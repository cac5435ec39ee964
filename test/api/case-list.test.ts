import t from 'tap';
import { buildDashboardHarness } from './dashboard-harness.js';
import { complaintBody, repairBody } from './harness.js';

const h = await buildDashboardHarness();
t.teardown(h.close);

interface Item {
  readonly type: string;
  readonly id: string;
  readonly number: string;
  readonly unit: string;
  readonly receivedAt: string;
  readonly assignee: string | null;
  readonly nextDeadline: string | null;
}
const create = async (collection: string, body: unknown) => {
  const response = await h.inject('POST', `/v1/${collection}`, { body });
  if (response.statusCode !== 201) throw new Error(response.body);
  h.clock.set(h.clock.now().add({ minutes: 1 }));
  return response.json<{ id: string; number: string }>();
};
const noisy = await create('complaints', complaintBody({ unit: '3-2-1201', description: '楼上深夜装修噪音，影响休息' }));
const parking = await create('complaints', complaintBody({ unit: '5-1-0302', category: 'parking', description: '地库车位被占用' }));
const other = await create('complaints', complaintBody({ unit: '3-20-0101', description: '电梯异响' }));
const leak = await create('repairs', repairBody({ location: '3-2-1502', description: '厨房水管漏水' }));
await h.caughtUp();

const list = async (query: string, as: Parameters<typeof h.inject>[2] extends infer O ? (O extends { as?: infer A } ? A : never) : never = 'frontdesk') => {
  const response = await h.inject('GET', `/v1/cases?propertyId=demo&${query}`, { as });
  if (response.statusCode !== 200) throw new Error(`${query}: ${response.statusCode} ${response.body}`);
  return response.json<{ items: Item[]; next: string | null }>();
};
const ids = (page: { items: Item[] }) => page.items.map((i) => i.id);

t.test('newest first, with what the desk needs of each record', async (t) => {
  const page = await list('');
  t.same(ids(page), [leak.id, other.id, parking.id, noisy.id]);
  t.match(page.items[3], { type: 'complaint', number: noisy.number, state: 'received', unit: '3-2-1201', category: 'noise', assignee: null });
  t.match(page.items[3]!.nextDeadline, /^2026-03-02T/, 'the nearest running deadline');
  t.equal(page.next, null);
});

t.test('q finds a record by its number, its unit or its start, and a substring of its description', async (t) => {
  t.same(ids(await list(`q=${noisy.number}`)), [noisy.id], 'by number');
  t.same(ids(await list(`q=${noisy.number.toLowerCase()}`)), [noisy.id], 'in any case');
  t.same(ids(await list('q=3-2-1201')), [noisy.id], 'by unit');
  t.same(ids(await list('q=3-2')), [leak.id, noisy.id], 'by the start of a unit: building 3, entrance 2, not 3-20');
  t.same(ids(await list(`q=${encodeURIComponent('装修噪音')}`)), [noisy.id], 'four Chinese characters (trigram index)');
  t.same(ids(await list(`q=${encodeURIComponent('装修')}`)), [noisy.id], 'two Chinese characters (the trigrams that begin with them)');
  t.same(ids(await list(`q=${encodeURIComponent('水')}`)), [leak.id], 'one character');
  t.same(ids(await list(`q=${encodeURIComponent('车位被')}`)), [parking.id]);
  t.same(ids(await list(`q=${encodeURIComponent('"占用 OR')}`)), [], 'FTS operators are text, not syntax');
});

t.test('filters: type, state, unit, building, department, technician, dates', async (t) => {
  t.same(ids(await list('type=repair')), [leak.id]);
  t.same(ids(await list('type=complaint&unit=3-2')), [noisy.id]);
  t.same(ids(await list('building=5')), [parking.id]);
  t.same(ids(await list('state=reported')), [leak.id]);
  await h.inject('POST', `/v1/repairs/${leak.id}/dispatch`, { as: 'dispatcher', body: { technicianId: 'tech-7' } });
  await h.caughtUp();
  const mine = await list('technician=tech-7');
  t.same(ids(mine), [leak.id]);
  t.equal(mine.items[0]!.assignee, 'tech-7');
  t.same(ids(await list('from=2026-03-03')), []);
  t.same(ids(await list('from=2026-03-02&to=2026-03-02&type=complaint')).length, 3);
});

t.test('pages follow the cursor without repeating or skipping, also while records are added', async (t) => {
  const first = await list('limit=2');
  t.same(ids(first), [leak.id, other.id]);
  t.type(first.next, 'string');
  await create('complaints', complaintBody({ description: '新来的投诉' }));
  await h.caughtUp();
  const second = await list(`limit=2&cursor=${first.next}`);
  t.same(ids(second), [parking.id, noisy.id], 'the record added meanwhile does not shift the pages');
  t.equal(second.next, null);
  const bad = await h.inject('GET', '/v1/cases?propertyId=demo&cursor=bm90LWEtY3Vyc29y');
  t.equal(bad.statusCode, 400);
});

t.test('scoped by property: every staff role reads its own properties, none another', async (t) => {
  for (const as of ['technician', 'finance', 'inspector', 'manager', 'auditor', 'dispatcher'] as const) t.equal((await list('', as)).items.length, 5, as);
  const elsewhere = await h.inject('GET', '/v1/cases?propertyId=demo', { as: 'elsewhere' });
  t.equal(elsewhere.statusCode, 403);
});
