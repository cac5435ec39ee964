import t from 'tap';
import { buildDashboardHarness } from './dashboard-harness.js';

// A search reads its text matches newest first and stops once a page is full: these records are
// received out of the order they are written in (as an import writes old records after new ones),
// several in the same millisecond, so a page is only right if it is ordered by receipt, not by
// when the record was written.
const h = await buildDashboardHarness();
t.teardown(h.close);

interface Item {
  readonly type: string;
  readonly id: string;
  readonly unit: string;
  readonly receivedAt: string;
}
/** Records received at these minutes of 1 February 2026 (Shanghai), imported in the order given. */
interface Row {
  readonly minute: number;
  readonly unit: string;
  readonly description: string;
}
let serial = 0;
const csvOf = (rows: readonly Row[]) =>
  [
    'type,number,propertyId,unit,category,description,receivedAt',
    ...rows.map(
      (r) =>
        `投诉,OLD-${++serial},demo,${r.unit},噪音扰民,${r.description},2026-02-01 ${String(8 + Math.floor(r.minute / 60)).padStart(2, '0')}:${String(r.minute % 60).padStart(2, '0')}`,
    ),
  ].join('\n');
const imported = async (rows: readonly Row[]): Promise<string[]> => {
  const first = serial + 1;
  const response = await h.inject('POST', '/v1/admin/import?format=summary&timeZone=property', {
    as: 'admin',
    raw: csvOf(rows),
    headers: { 'content-type': 'text/csv' },
  });
  if (response.statusCode !== 200) throw new Error(response.body);
  const ids = new Map(response.json<{ caseList: Array<{ caseRef: string; caseId: string }> }>().caseList.map((c) => [c.caseRef, c.caseId]));
  return rows.map((_, i) => ids.get(`OLD-${first + i}`)!);
};

// Written in this order: late, early, the same minute thrice (the same millisecond), and so on.
const minutes = [50, 3, 27, 27, 27, 41, 8, 60, 12, 33, 19, 55, 1, 44, 27, 36];
const leaks = await imported(minutes.map((minute, i) => ({ minute, unit: `7-1-${100 + i}`, description: i % 3 === 0 ? '厨房漏水' : `卫生间漏水严重 ${i}` })));
// Matched by their unit as well as their text: they come first, and count in no page of text matches.
const inUnit = await imported([
  { minute: 5, unit: '3-2-101', description: '见3-2-101业主' },
  { minute: 6, unit: '3-2-102', description: '同3-2单元' },
]);
const textOnly = await imported([
  { minute: 70, unit: '9-9-901', description: '3-2单元门口' },
  { minute: 2, unit: '9-9-902', description: '前往3-2楼' },
]);
const [twoCharacters = '', latin = ''] = await imported([
  { minute: 80, unit: '8-8-801', description: '漏水' },
  { minute: 81, unit: '8-8-802', description: 'Wifi AB' },
]);
await h.caughtUp();

const page = async (query: string) => {
  const response = await h.inject('GET', `/v1/cases?propertyId=demo&${query}`);
  if (response.statusCode !== 200) throw new Error(`${query}: ${response.statusCode} ${response.body}`);
  return response.json<{ items: Item[]; next: string | null }>();
};
/** Every page of a search, `limit` at a time, following the cursor. */
const allPages = async (q: string, limit: number) => {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const next: { items: Item[]; next: string | null } = await page(`q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    t.ok(next.items.length <= limit);
    items.push(...next.items);
    cursor = next.next;
  } while (cursor);
  return items.map((i) => i.id);
};
/** Newest received first; records of the same instant by type, then id, both descending. */
const byReceipt = (ids: readonly string[], items: readonly Item[]) => {
  const of = new Map(items.map((i) => [i.id, i]));
  return [...ids].sort((a, b) => {
    const x = of.get(a)!;
    const y = of.get(b)!;
    return Date.parse(y.receivedAt) - Date.parse(x.receivedAt) || (y.type < x.type ? -1 : y.type > x.type ? 1 : 0) || (y.id < x.id ? -1 : 1);
  });
};

const everything = (await page('limit=100')).items;

t.test('a common word: pages of any size give every match once, newest received first', async (t) => {
  const expected = byReceipt([...leaks, twoCharacters], everything);
  t.equal(new Set(expected).size, minutes.length + 1);
  for (const limit of [1, 2, 3, 5, 7, 16, 50])
    t.same(
      await allPages('漏水严重', limit),
      byReceipt(
        leaks.filter((_, i) => i % 3 !== 0),
        everything,
      ),
      `three characters or more, ${limit} a page`,
    );
  for (const limit of [1, 3, 4, 17, 50]) t.same(await allPages('漏水', limit), expected, `two characters, ${limit} a page`);
});

t.test('matches by unit first, then by text, each newest first, whatever the page size', async (t) => {
  const expected = [...byReceipt(inUnit, everything), ...byReceipt(textOnly, everything)];
  for (const limit of [1, 2, 3, 10]) t.same(await allPages('3-2', limit), expected, `${limit} a page`);
});

t.test('two characters at the very end of a text, as the whole text, and in letters of either case', async (t) => {
  const endings = leaks.filter((_, i) => i % 3 === 0);
  t.same((await allPages('厨房', 50)).sort(), [...endings].sort(), 'two characters that begin a text');
  t.ok((await allPages('漏水', 50)).includes(twoCharacters), 'a text of two characters');
  t.same(await allPages('房漏', 50), byReceipt(endings, everything), 'inside a text');
  t.same(await allPages('ab', 50), [latin], 'folded as the index folds letters');
  t.same(await allPages('AB', 50), [latin]);
  t.same(await allPages('鸟鸣', 50), [], 'two characters no text holds');
  t.same(await allPages('i', 50), [latin], 'one character');
  t.same(await allPages('b', 50), [latin], 'one character, the last of its text');
  t.same(await allPages('水', 50), byReceipt([...leaks, twoCharacters], everything), 'one character, last of some texts and not of others');
});
