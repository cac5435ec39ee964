import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { rulesetOf } from '../../src/domain/records.js';
import { buildHarness, openSqliteIn, owner, sampleRuleset, tempDir } from './harness.js';

/**
 * Migrated 2022 complaints judged by the rules of their time: refused while the rules have no
 * agreement for 2022, and judged under the 2022 agreement — its targets, its calendar and its
 * time zone (Asia/Urumqi, UTC+6) — once it is added, equal to a calculation from the rows.
 */

const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner };
const row = (caseRef: string, action: string, occurredAt: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ caseRef, caseType: 'complaint', action, occurredAt, actor: 'li.na', role: 'frontdesk', fields });

/** Each complaint's receipt, handling start and resolution, as the old system recorded them. */
const history = {
  'C-1': { received: '2022-03-01T02:00:00Z', handled: '2022-03-01T03:00:00Z', resolved: '2022-03-02T02:00:00Z' },
  'C-2': { received: '2022-03-10T02:00:00Z', handled: '2022-03-10T05:00:00Z', resolved: '2022-03-30T02:00:00Z' },
  // 23:00 on 31 March in Urumqi, 01:00 on 1 April in Shanghai: the zone decides its month.
  'C-3': { received: '2022-03-31T17:00:00Z', handled: '2022-03-31T18:00:00Z', resolved: null },
} as const;
const jsonl = Object.entries(history)
  .flatMap(([ref, h]) => [
    row(ref, 'receive', h.received, complaint),
    row(ref, 'acknowledge', h.handled),
    ...(h.resolved ? [row(ref, 'resolve', h.resolved, { resolution: '已协调处理' })] : []),
  ])
  .join('\n');
const idOf = (ref: string) => importedCaseId('complaint', ref);

const west = {
  id: 'cn-west',
  name: '新疆（乌鲁木齐时间）',
  timeZone: 'Asia/Urumqi',
  weekend: [6, 7],
  businessHours: { start: '10:00', end: '19:30' },
  years: {
    2022: {
      published: true,
      holidays: [
        { name: '元旦', from: '2022-01-01', to: '2022-01-03' },
        { name: '春节', from: '2022-01-31', to: '2022-02-06' },
        { name: '清明节', from: '2022-04-03', to: '2022-04-05' },
        { name: '劳动节', from: '2022-04-30', to: '2022-05-04' },
        { name: '端午节', from: '2022-06-03', to: '2022-06-05' },
        { name: '中秋节', from: '2022-09-10', to: '2022-09-12' },
        { name: '国庆节', from: '2022-10-01', to: '2022-10-07' },
      ],
      workdays: ['2022-01-29', '2022-01-30', '2022-04-02', '2022-04-24', '2022-05-07', '2022-10-08', '2022-10-09'],
    },
  },
};
const agreement2022 = (calendar?: string) => ({
  id: 'demo-2022',
  name: '客服部2022年度目标管理责任书',
  validFrom: '2022-01-01',
  validTo: '2022-12-31',
  ...(calendar ? { calendar } : {}),
  kpis: [
    { id: 'complaint.timely_handling', target: 0.6, comparator: '>=' },
    { id: 'complaint.resolution_rate', target: 0.6, comparator: '>=' },
    { id: 'complaint.resolution_timely', target: 0.3, comparator: '>=' },
  ],
});

/** The sample rules with a 2022 agreement for property demo (in the given calendar, or the property's). */
const rulesWith2022 = async (calendar?: string) => {
  const files = structuredClone((await sampleRuleset()).files) as Record<string, unknown>;
  files['agreements/demo-2022.yaml'] = agreement2022(calendar);
  files['calendars/cn-west.yaml'] = west;
  const properties = files['properties.yaml'] as { properties: Array<Record<string, unknown>> };
  properties.properties.find((p) => p.id === 'demo')!.pastAgreements = ['demo-2022'];
  return files;
};

/** The local date of an instant in a zone, computed apart from the engine. */
const localDate = (iso: string, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(iso));

type Figure = {
  id: string;
  target: number;
  numerator: number;
  denominator: number;
  met: boolean | null;
  failingCaseIds: string[];
  undeterminedCaseIds: string[];
};
const kpi = (body: { kpis: Figure[] }, id: string) => body.kpis.find((k) => k.id === id)!;

t.test('a 2022 period: refused without its agreement, judged by it once added', async (t) => {
  const { dir, remove } = await tempDir('agreement-periods-');
  t.teardown(remove);

  // The migration under today's rules: only the 2026 agreement.
  const before = await buildHarness({ store: openSqliteIn(dir) });
  const imported = await before.inject('POST', '/v1/admin/import', { as: 'admin', raw: jsonl, headers: { 'content-type': 'application/x-ndjson' } });
  t.match(imported.json(), { cases: { imported: 3, rejected: 0 } }, imported.body.slice(0, 400));
  const refused = await before.inject('GET', '/v1/compliance?propertyId=demo&period=2022-03', { as: 'manager' });
  t.equal(refused.statusCode, 422);
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json(), {
    code: 'NO_AGREEMENT_IN_FORCE',
    period: '2022-03',
    propertyId: 'demo',
    agreements: [{ id: 'demo-2026', validFrom: '2026-01-01', validTo: '2026-12-31' }],
    detail: /2022-03.*demo-2026 \(2026-01-01 – 2026-12-31\)/,
  });
  const now = await before.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03', { as: 'manager' });
  t.equal(now.statusCode, 200, 'a period of the 2026 term is judged as before');
  t.equal(now.json().agreement.id, 'demo-2026');
  await before.close();

  // The same log, with the 2022 agreement added to the rules.
  const after = await buildHarness({ store: openSqliteIn(dir), ruleset: rulesetOf(await rulesWith2022('cn-west')) });
  t.teardown(after.close);
  const judged = await after.inject('GET', '/v1/compliance?propertyId=demo&period=2022-03', { as: 'manager' });
  t.equal(judged.statusCode, 200, judged.body.slice(0, 400));
  const report = judged.json();
  t.match(report, { period: '2022-03', timeZone: 'Asia/Urumqi', agreement: { id: 'demo-2022', validFrom: '2022-01-01', validTo: '2022-12-31' } });
  t.same(
    report.kpis.map((k: Figure) => k.id),
    ['complaint.timely_handling', 'complaint.resolution_rate', 'complaint.resolution_timely'],
    "the 2022 agreement's KPIs, not today's",
  );

  // Independently: the complaints received in March in Urumqi, handled within 2 h, resolved, and
  // resolved within 3 working days (no holiday in March 2022: C-1 in one day, C-2 after twenty, C-3 never).
  const inMarch = Object.entries(history).filter(([, h]) => localDate(h.received, 'Asia/Urumqi').startsWith('2022-03'));
  t.equal(inMarch.length, 3, 'C-3 is in March in Urumqi');
  t.equal(localDate(history['C-3'].received, 'Asia/Shanghai'), '2022-04-01', 'and in April in Shanghai');
  const timely = inMarch.filter(([, h]) => Date.parse(h.handled) - Date.parse(h.received) <= 2 * 3600_000);
  const resolved = inMarch.filter(([, h]) => h.resolved !== null);
  const late = (ids: Array<[string, unknown]>) =>
    inMarch
      .filter(([ref]) => !ids.some(([r]) => r === ref))
      .map(([ref]) => idOf(ref))
      .sort();
  t.match(kpi(report, 'complaint.timely_handling'), {
    target: 0.6,
    numerator: timely.length,
    denominator: inMarch.length,
    met: timely.length / inMarch.length >= 0.6,
    failingCaseIds: late(timely),
  });
  t.equal(kpi(report, 'complaint.timely_handling').met, true, '2 of 3 meets the 2022 target of 60% (today’s 98% would not be met)');
  t.match(kpi(report, 'complaint.resolution_rate'), { target: 0.6, numerator: resolved.length, denominator: 3, failingCaseIds: [idOf('C-3')] });
  t.match(kpi(report, 'complaint.resolution_timely'), {
    target: 0.3,
    numerator: 1,
    denominator: 3,
    met: true,
    failingCaseIds: [idOf('C-2'), idOf('C-3')].sort(),
    undeterminedCaseIds: [],
  });

  const april = (await after.inject('GET', '/v1/compliance?propertyId=demo&period=2022-04', { as: 'manager' })).json();
  t.equal(kpi(april, 'complaint.timely_handling').denominator, 0, 'in Urumqi, no 2022 complaint was received in April');
  const gap = await after.inject('GET', '/v1/compliance?propertyId=demo&period=2024', { as: 'manager' });
  t.match(gap.json(), { status: 422, code: 'NO_AGREEMENT_IN_FORCE', agreements: [{ id: 'demo-2022' }, { id: 'demo-2026' }] }, 'between the terms');
  const asOf = await after.inject('GET', '/v1/audit/compliance?propertyId=demo&period=2022-03', { as: 'auditor' });
  t.equal(asOf.statusCode, 200, asOf.body.slice(0, 300));
  const audit = asOf.json();
  for (const side of [audit.then, audit.current])
    t.match(side, { agreement: { id: 'demo-2022' }, timeZone: 'Asia/Urumqi' }, 'the audit report then and now is judged by the same agreement');
  t.match(kpi(asOf.json().current, 'complaint.timely_handling'), { numerator: 2, denominator: 3 });
});

t.test('the 2022 agreement in the property’s calendar: its deadlines stay undetermined, 2022 not being published there', async (t) => {
  const h = await buildHarness({ ruleset: rulesetOf(await rulesWith2022()) });
  t.teardown(h.close);
  await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: jsonl, headers: { 'content-type': 'application/x-ndjson' } });
  const report = (await h.inject('GET', '/v1/compliance?propertyId=demo&period=2022-03', { as: 'manager' })).json();
  t.match(report, { timeZone: 'Asia/Shanghai', agreement: { id: 'demo-2022' } });
  t.match(kpi(report, 'complaint.timely_handling'), { numerator: 1, denominator: 2 }, 'C-3 is an April complaint in Shanghai');
  t.match(kpi(report, 'complaint.resolution_timely'), { denominator: 0, undeterminedCaseIds: [idOf('C-1'), idOf('C-2')].sort() }, 'never guessed');
});

t.test('the what-if route judges any period under any agreement on request', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: jsonl, headers: { 'content-type': 'application/x-ndjson' } });
  const files = await rulesWith2022('cn-west');
  const ask = (extra: Record<string, unknown>) =>
    h.inject('POST', '/v1/audit/what-if', { as: 'auditor', body: { propertyId: 'demo', period: '2022-03', rules: { files }, ...extra } });
  const refused = await ask({});
  t.match(refused.json(), { status: 422, code: 'NO_AGREEMENT_IN_FORCE', agreements: [{ id: 'demo-2026' }] }, 'today’s rules have no agreement for 2022');
  const named = await ask({ agreement: 'demo-2022' });
  t.equal(named.statusCode, 200, named.body.slice(0, 300));
  const body = named.json();
  t.match(body.whatIf, { agreement: { id: 'demo-2022' }, timeZone: 'Asia/Urumqi' });
  t.match(body.actual, { agreement: { id: 'demo-2022' }, timeZone: 'Asia/Urumqi' }, 'the actual rules judged by the named agreement too');
  t.match(kpi(body.whatIf, 'complaint.timely_handling'), { numerator: 2, denominator: 3 });
  const unknown = await ask({ agreement: 'demo-1999' });
  t.match(unknown.json(), { status: 422, code: 'RULESET_INVALID' });
  const later = await h.inject('POST', '/v1/audit/what-if', {
    as: 'auditor',
    body: { propertyId: 'demo', period: '2026-03', agreement: 'demo-2022', rules: { files } },
  });
  t.match(later.json(), { actual: { agreement: { id: 'demo-2026' } }, whatIf: { agreement: { id: 'demo-2022' } } }, 'a 2026 period under the 2022 agreement');
});
