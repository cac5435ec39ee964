import t from 'tap';
import { buildHarness, collection, createCase, drive, type Harness } from '../api/harness.js';

const at = (h: Harness, now: string) => h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now } });

t.test('as-of replay equals what the API answered at each instant', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const seen: Array<{ caseType: 'complaint' | 'repair'; id: string; now: string; view: Record<string, unknown> }> = [];
  const look = async (caseType: 'complaint' | 'repair', id: string, now: string) => {
    const response = await h.inject('GET', `/v1/${collection[caseType]}/${id}`, { as: 'auditor' });
    t.equal(response.statusCode, 200, `read ${caseType} at ${now}`);
    seen.push({ caseType, id, now, view: response.json() });
  };
  // Each instant: move the clock, act, then read: a replay as of an instant sees every event recorded at it.
  const complaint = await createCase(h, 'complaint');
  const repair = await createCase(h, 'repair');
  await look('complaint', complaint, '2026-03-02T01:00:00Z');
  await look('repair', repair, '2026-03-02T01:00:00Z');
  await at(h, '2026-03-02T01:20:00Z');
  await drive(h, 'repair', repair, ['dispatch', 'accept', 'arrive', 'pause']);
  await look('repair', repair, '2026-03-02T01:20:00Z');
  await at(h, '2026-03-02T02:40:00Z');
  await look('complaint', complaint, '2026-03-02T02:40:00Z');
  await look('repair', repair, '2026-03-02T02:40:00Z');
  await at(h, '2026-03-02T03:30:00Z');
  await drive(h, 'complaint', complaint, ['acknowledge', 'assign']);
  await drive(h, 'repair', repair, ['resume']);
  await look('complaint', complaint, '2026-03-02T03:30:00Z');
  await at(h, '2026-03-03T05:00:00Z');
  await drive(h, 'complaint', complaint, ['resolve', 'notify-owner', 'callback', 'close']);
  await drive(h, 'repair', repair, ['complete']);
  await look('complaint', complaint, '2026-03-03T05:00:00Z');
  await look('repair', repair, '2026-03-03T05:00:00Z');
  await at(h, '2026-03-09T02:00:00Z');

  for (const { caseType, id, now, view } of seen) {
    const replay = await h.inject('GET', `/v1/audit/cases/${caseType}/${id}?asOf=${now}`, { as: 'auditor' });
    t.equal(replay.statusCode, 200, `replay ${caseType} as of ${now}`);
    const body = replay.json();
    t.same(
      {
        state: body.state,
        revision: body.revision,
        clocks: body.clocks.map(({ explanation: _, ...clock }: Record<string, unknown>) => clock),
        facts: body.facts,
        allowedActions: body.allowedActions,
      },
      { state: view.state, revision: view.revision, clocks: view.clocks, facts: view.facts, allowedActions: view.allowedActions },
      `${caseType} as of ${now}`,
    );
    t.equal(body.timeline.length, (view.revision as number) + 1);
  }

  const replay = (await h.inject('GET', `/v1/audit/cases/repair/${repair}?asOf=2026-03-03T05:00:00Z`, { as: 'admin' })).json();
  t.match(replay.timeline[0], {
    revision: 0,
    type: 'RepairReported',
    actor: { role: 'frontdesk' },
    recordedAt: '2026-03-02T01:00:00Z',
    occurredAt: '2026-03-02T01:00:00Z',
    gapMinutes: 0,
    imported: false,
    rulesetVersion: /^sha256:/,
  });
  const completion = replay.clocks.find((c: { clock: string }) => c.clock === 'completion');
  t.match(completion.explanation.join('\n'), /paused .*excluded/, 'the completion clock explains the pause it skipped');
  t.match(completion.explanation.join('\n'), /due /);

  t.equal((await h.inject('GET', `/v1/audit/cases/repair/${repair}?asOf=2026-03-01T00:00:00Z`, { as: 'auditor' })).statusCode, 404, 'not recorded yet');
  t.equal((await h.inject('GET', `/v1/audit/cases/repair/${repair}?asOf=2027-01-01T00:00:00Z`, { as: 'auditor' })).statusCode, 400, 'the future');
  t.equal((await h.inject('GET', `/v1/audit/cases/repair/${repair}`, { as: 'manager' })).statusCode, 403, 'auditors and admins only');
  t.equal((await h.inject('GET', `/v1/audit/cases/repair/${repair}`, { as: 'elsewhere' })).statusCode, 403);
});
