import t from 'tap';
import { buildHarness, createCase, sampleRuleset, type Harness } from '../api/harness.js';

const at = (h: Harness, now: string) => h.inject('PUT', '/v1/admin/clock', { as: 'admin', body: { now } });
const snapshot = async (h: Harness) => JSON.stringify(await h.store.readAll(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** The sample rules with the complaint response SLA relaxed from 2 h to 3 h. */
const relaxedRules = async () => {
  const files = structuredClone((await sampleRuleset()).files) as Record<string, { policies?: Array<{ id: string; duration: unknown }> }>;
  files['sla.yaml']!.policies!.find((p) => p.id === 'complaint.response')!.duration = { kind: 'elapsed', hours: 3 };
  return files;
};

t.test('relaxing the complaint response SLA to 3 h flips exactly the cases answered between 2 and 3 hours, writing nothing', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  // All received at 01:00Z; handling starts after 1 h, 2 h (on the deadline), 2.5 h, 3 h (on the new one) and 3.5 h.
  const answeredAfter: Record<string, string> = { '1h': '02:00', '2h': '03:00', '2.5h': '03:30', '3h': '04:00', '3.5h': '04:30' };
  const ids: Record<string, string> = {};
  for (const key of Object.keys(answeredAfter)) ids[key] = await createCase(h, 'complaint');
  const unanswered = await createCase(h, 'complaint');
  for (const [key, time] of Object.entries(answeredAfter)) {
    await at(h, `2026-03-02T${time}:00Z`);
    const r = await h.inject('POST', `/v1/complaints/${ids[key]}/acknowledge`, { as: 'frontdesk', body: {} });
    t.equal(r.statusCode, 200);
  }
  await at(h, '2026-03-02T06:00:00Z');

  const before = await snapshot(h);
  const count = await h.eventCount();
  const response = await h.inject('POST', '/v1/audit/what-if', { as: 'auditor', body: { propertyId: 'demo', period: '2026-03', rules: { files: await relaxedRules() } } });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  const body = response.json();
  t.equal(await snapshot(h), before, 'the store is byte for byte unchanged');
  t.equal(await h.eventCount(), count);
  t.not(body.rulesetVersion.whatIf, body.rulesetVersion.actual);
  t.equal(body.cases, 6);

  const timely = body.differences.find((d: { id: string }) => d.id === 'complaint.timely_handling');
  t.same(timely.cases.map((c: { caseId: string }) => c.caseId).sort(), [ids['2.5h'], ids['3h']].sort(), 'exactly the cases answered after 2 h and up to 3 h');
  for (const c of timely.cases) t.match(c, { before: 'failure', after: 'success', caseType: 'complaint', deadline: { actual: '2026-03-02T03:00:00.000Z', whatIf: '2026-03-02T04:00:00.000Z' } });
  t.match(timely.before, { numerator: 2, denominator: 6, }, '1 h and 2 h met the actual SLA');
  t.ok(timely.before && timely.after.denominator === 6, 'the unanswered one fails under both: due 03:00 or 04:00, read at 06:00');
  t.match(timely.after, { numerator: 4, denominator: 6 });
  t.match(timely.change, { numerator: 2, denominator: 0, pending: 0 });
  t.notOk(timely.cases.some((c: { caseId: string }) => c.caseId === unanswered));
  for (const d of body.differences.filter((x: { id: string }) => x.id !== 'complaint.timely_handling')) t.same(d.cases, [], `${d.id} unchanged`);

  const bad = structuredClone(await relaxedRules()) as Record<string, { policies?: Array<{ id: string; duration: unknown }> }>;
  bad['sla.yaml']!.policies![0]!.duration = { kind: 'elapsed', hours: -1 };
  const invalid = await h.inject('POST', '/v1/audit/what-if', { as: 'admin', body: { propertyId: 'demo', period: '2026-03', rules: { files: bad } } });
  t.equal(invalid.statusCode, 422);
  t.match(invalid.json(), { code: 'RULESET_INVALID', issues: [{ file: 'sla.yaml', path: /^policies\[0\]\.duration/ }] });
  t.equal(await snapshot(h), before);
  t.equal((await h.inject('POST', '/v1/audit/what-if', { as: 'manager', body: { propertyId: 'demo', period: '2026-03', rules: { files: {} } } })).statusCode, 403);
});
