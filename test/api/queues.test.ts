import t from 'tap';
import { queueIds, type QueueId } from '../../src/domain/record/queues.js';
import { buildDashboardHarness, type DashboardHarness } from './dashboard-harness.js';
import { rulesetOf } from '../../src/domain/records.js';
import { actionBodies, CLOCK_START, complaintBody, repairBody, sampleRuleset } from './harness.js';
import { recordActionBodies, recordBody } from './record-bodies.js';

type Kind = 'complaint' | 'repair' | 'visit';
const collections: Record<Kind, string> = { complaint: 'complaints', repair: 'repairs', visit: 'visits' };
const bodies: Record<Kind, { create: () => unknown; actions: Record<string, unknown> }> = {
  complaint: { create: () => complaintBody(), actions: actionBodies.complaint },
  repair: { create: () => repairBody(), actions: actionBodies.repair },
  visit: { create: () => recordBody.visit(), actions: recordActionBodies.visit },
};

/** Creates a record and takes it through `steps` (an action, or an action with its own body). */
const record = async (h: DashboardHarness, kind: Kind, steps: ReadonlyArray<string | [string, unknown]>) => {
  const created = await h.inject('POST', `/v1/${collections[kind]}`, { as: 'admin', body: bodies[kind].create() });
  if (created.statusCode !== 201) throw new Error(created.body);
  const { id } = created.json<{ id: string }>();
  for (const step of steps) {
    const [action, body] = typeof step === 'string' ? [step, bodies[kind].actions[step]] : step;
    const response = await h.inject('POST', `/v1/${collections[kind]}/${id}/${action}`, { as: 'admin', body });
    if (response.statusCode !== 200) throw new Error(`${kind} ${action}: ${response.body}`);
  }
  return id;
};

const listed = async (h: DashboardHarness, queue: QueueId) => {
  const response = await h.inject('GET', `/v1/cases?propertyId=demo&queue=${queue}&limit=200`);
  if (response.statusCode !== 200) throw new Error(response.body);
  return response.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id);
};
const counted = async (h: DashboardHarness) => {
  const response = await h.inject('GET', '/v1/queues?propertyId=demo', { as: 'auditor' });
  if (response.statusCode !== 200) throw new Error(response.body);
  return response.json<{ queues: Record<QueueId, number> }>().queues;
};

const dissatisfied: [string, unknown] = ['callback', { satisfaction: 'dissatisfied' }];

/** Each record, the steps it is taken through, and the state queue it is in after them (null: none). */
const stateCases: ReadonlyArray<{ name: string; kind: Kind; steps: ReadonlyArray<string | [string, unknown]>; queue: QueueId | null }> = [
  { name: 'complaint received', kind: 'complaint', steps: [], queue: 'unassigned' },
  { name: 'complaint taken up', kind: 'complaint', steps: ['acknowledge'], queue: null },
  { name: 'complaint resolved', kind: 'complaint', steps: ['acknowledge', 'resolve'], queue: 'awaiting_callback' },
  { name: 'complaint owner told', kind: 'complaint', steps: ['acknowledge', 'resolve', 'notify-owner'], queue: 'awaiting_callback' },
  { name: 'complaint called back, satisfied', kind: 'complaint', steps: ['acknowledge', 'resolve', 'callback'], queue: null },
  { name: 'complaint called back, dissatisfied', kind: 'complaint', steps: ['acknowledge', 'resolve', dissatisfied], queue: 'follow_up' },
  { name: 'complaint dissatisfied, then escalated', kind: 'complaint', steps: ['acknowledge', 'resolve', dissatisfied, 'escalate'], queue: null },
  { name: 'complaint withdrawn', kind: 'complaint', steps: ['withdraw'], queue: null },
  { name: 'repair reported', kind: 'repair', steps: [], queue: 'unassigned' },
  { name: 'repair dispatched', kind: 'repair', steps: ['dispatch'], queue: null },
  { name: 'repair verified', kind: 'repair', steps: ['dispatch', 'accept', 'arrive', 'complete', 'verify'], queue: 'awaiting_callback' },
  { name: 'repair called back, dissatisfied', kind: 'repair', steps: ['dispatch', 'accept', 'arrive', 'complete', 'verify', dissatisfied], queue: 'follow_up' },
  { name: 'visit received', kind: 'visit', steps: [], queue: 'unassigned' },
  { name: 'visit referred', kind: 'visit', steps: ['refer'], queue: 'referred' },
  { name: 'visit referred, then answered', kind: 'visit', steps: ['refer', 'answer'], queue: null },
  { name: 'visit referred, then closed', kind: 'visit', steps: ['refer', 'close'], queue: null },
];

t.test('the state queues list exactly the records their record types put there, and count them', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const ids = new Map<string, string>();
  for (const c of stateCases) ids.set(c.name, await record(h, c.kind, c.steps));
  await h.caughtUp();
  const counts = await counted(h);
  for (const queue of ['unassigned', 'awaiting_callback', 'follow_up', 'referred'] as const) {
    const expected = stateCases.filter((c) => c.queue === queue).map((c) => ids.get(c.name)!);
    t.same(
      new Set(await listed(h, queue)),
      new Set(expected),
      `${queue}: ${stateCases
        .filter((c) => c.queue === queue)
        .map((c) => c.name)
        .join(', ')}`,
    );
    t.equal(counts[queue], expected.length, `${queue} counted`);
  }
  t.same(Object.keys(counts).sort(), [...queueIds].sort(), 'every queue counted');
});

t.test('the clock queues follow the clocks: at risk, missed, paused longer than the rules allow', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const complaint = await record(h, 'complaint', []);
  const paused = await record(h, 'repair', ['dispatch', 'accept', 'arrive', 'pause']);
  await h.caughtUp();
  const at = (minutes: number) => new Date(Date.parse(CLOCK_START) + minutes * 60_000).toISOString();
  // The complaint's 2-hour response clock is at risk from 80 % (96 minutes); the rules' pausedLongHours is 48.
  const table: ReadonlyArray<{ minutes: number; queue: QueueId; ids: string[] }> = [
    { minutes: 10, queue: 'at_risk', ids: [] },
    { minutes: 10, queue: 'missed', ids: [] },
    { minutes: 10, queue: 'paused_long', ids: [] },
    { minutes: 100, queue: 'at_risk', ids: [complaint] },
    { minutes: 100, queue: 'missed', ids: [] },
    { minutes: 180, queue: 'missed', ids: [complaint] },
    { minutes: 47 * 60, queue: 'paused_long', ids: [] },
    { minutes: 49 * 60, queue: 'paused_long', ids: [paused] },
    { minutes: 49 * 60, queue: 'missed', ids: [complaint] },
  ];
  for (const row of table) {
    await h.at(at(row.minutes));
    t.same(await listed(h, row.queue), row.ids, `${row.queue} after ${row.minutes} minutes`);
    t.equal((await counted(h))[row.queue], row.ids.length, 'and counted');
  }
  await record(h, 'repair', []).then(async (id) => {
    await h.inject('POST', `/v1/repairs/${paused}/resume`, { as: 'admin', body: {} });
    await h.caughtUp();
    t.same(await listed(h, 'paused_long'), [], 'resumed: no longer waiting');
    t.ok((await listed(h, 'unassigned')).includes(id));
  });
});

t.test('the rules say how long a pause may last before it is listed, checked when the rules are read', async (t) => {
  const sample = await sampleRuleset();
  const intake = sample.files['intake.yaml'] as Record<string, unknown>;
  t.equal(sample.intake.pausedLongHours, 48);
  const { pausedLongHours: _, ...without } = intake;
  t.equal(rulesetOf({ ...sample.files, 'intake.yaml': without }).intake.pausedLongHours, 48, 'rules published before it read the default');
  t.throws(() => rulesetOf({ ...sample.files, 'intake.yaml': { ...intake, pausedLongHours: 0 } }), /pausedLongHours: more than 0 hours/);
  t.throws(() => rulesetOf({ ...sample.files, 'intake.yaml': { ...intake, pausedLongHours: 'two days' } }), /pausedLongHours: hours, a number/);
});

t.test('a queue the API does not know is refused; scoped by property like the records', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  t.equal((await h.inject('GET', '/v1/cases?propertyId=demo&queue=nowhere')).statusCode, 400);
  t.equal((await h.inject('GET', '/v1/queues?propertyId=demo', { as: 'elsewhere' })).statusCode, 403);
  t.equal((await h.inject('GET', '/v1/queues?propertyId=demo', { as: 'technician' })).statusCode, 200);
});
