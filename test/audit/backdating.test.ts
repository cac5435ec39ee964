import t from 'tap';
import { buildHarness, complaintBody, type Harness } from '../api/harness.js';

const at = (h: Harness, now: string) => h.inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now } });

t.test('back-dated entries grouped by actor with their gaps', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  await at(h, '2026-03-02T02:00:00Z');
  // The desk enters a call 20 minutes late, then starts handling 5 minutes back; the dispatcher assigns now.
  const created = await h.inject('POST', '/v1/complaints', { as: 'frontdesk', body: { ...complaintBody(), occurredAt: '2026-03-02T01:40:00Z' } });
  const id = created.json().id;
  await h.inject('POST', `/v1/complaints/${id}/acknowledge`, { as: 'frontdesk', body: { occurredAt: '2026-03-02T01:55:00Z' } });
  await h.inject('POST', `/v1/complaints/${id}/assign`, { as: 'dispatcher', body: { department: 'engineering' } });
  const history = (await h.inject('GET', `/v1/complaints/${id}/events`, { as: 'auditor' })).json();
  const desk = history.events[0].metadata.actor.id;
  // An administrator's import of an older case: trusted, marked imported.
  const imported = [
    {
      caseRef: 'OLD-1',
      caseType: 'complaint',
      action: 'receive',
      occurredAt: '2026-02-27T02:00:00Z',
      actor: 'li.na',
      role: 'frontdesk',
      fields: complaintBody(),
    },
  ];
  t.match((await h.inject('POST', '/v1/admin/import', { as: 'admin', body: imported })).json(), { eventsWritten: 1 });

  const all = (await h.inject('GET', '/v1/audit/backdating?propertyId=demo', { as: 'auditor' })).json();
  t.match(all, { thresholdMinutes: 0, eventsExamined: 4, eventsListed: 3 });
  t.same(
    all.actors.map((a: { actor: string }) => a.actor),
    [desk, 'li.na'],
    'the dispatcher entered nothing back-dated',
  );
  t.match(all.actors[0], { roles: ['frontdesk'], count: 2, imported: 0, maxGapMinutes: 20, totalGapMinutes: 25 });
  t.match(all.actors[0].events, [
    {
      caseId: id,
      type: 'ComplaintReceived',
      revision: 0,
      recordedAt: '2026-03-02T02:00:00Z',
      occurredAt: '2026-03-02T01:40:00Z',
      gapMinutes: 20,
      imported: false,
    },
    { type: 'ComplaintHandlingStarted', gapMinutes: 5 },
  ]);
  t.match(all.actors[1], { actor: 'li.na', count: 1, imported: 1, maxGapMinutes: 3 * 24 * 60, events: [{ type: 'ComplaintReceived', imported: true }] });

  const over10 = (await h.inject('GET', '/v1/audit/backdating?propertyId=demo&thresholdMinutes=10', { as: 'admin' })).json();
  t.same(
    over10.actors.map((a: { actor: string; count: number }) => [a.actor, a.count]),
    [
      [desk, 1],
      ['li.na', 1],
    ],
  );
  const window = (await h.inject('GET', '/v1/audit/backdating?propertyId=demo&from=2026-03-02T01:59:00Z&to=2026-03-02T02:00:00Z', { as: 'admin' })).json();
  t.equal(window.eventsExamined, 0, 'recorded in [from, to)');
  t.equal((await h.inject('GET', '/v1/audit/backdating?propertyId=demo', { as: 'frontdesk' })).statusCode, 403);
  t.equal((await h.inject('GET', '/v1/audit/backdating?propertyId=demo&thresholdMinutes=-1', { as: 'auditor' })).statusCode, 400);
});
