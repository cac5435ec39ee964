import { join } from 'node:path';
import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { importedCaseId } from '../../src/audit/import/import.js';
import { tempDir } from '../api/harness.js';
import { startServer, type ServerProcess } from '../app/server-process.js';

// A migration in two steps with the real server and its deadline watcher running: the open 2023
// records of the first step get their misses dated at the deadlines, without escalation; the same
// file again writes nothing; the later rows that close them are appended after the misses.

const owner = { name: '陈先生', phone: '13700000000' };
const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '2023年的投诉', channel: 'phone', owner };
const repair = { propertyId: 'demo', location: '2-1-202', category: 'plumbing', complexity: 'general', description: '2023年的报修', owner };
const row = (caseRef: string, caseType: string, action: string, occurredAt: string, actor: string, role: string, fields: object = {}) => ({
  caseRef,
  caseType,
  action,
  occurredAt,
  actor,
  role,
  fields,
});

// Open in the old system's export: received, never taken up (the response clocks are elapsed time, so 2023 needs no calendar).
const step1 = [
  row('TS2023-001', 'complaint', 'receive', '2023-03-01T02:00:00Z', 'li.na', 'frontdesk', complaint),
  row('TS2023-002', 'complaint', 'receive', '2023-03-02T02:00:00Z', 'li.na', 'frontdesk', complaint),
  row('WX2023-001', 'repair', 'report', '2023-03-01T02:00:00Z', 'li.na', 'frontdesk', repair),
];
// The export a week later: the same rows and the steps that followed.
const closing = (caseRef: string, day: string) => [
  row(caseRef, 'complaint', 'acknowledge', `${day}T05:00:00Z`, 'li.na', 'frontdesk'),
  row(caseRef, 'complaint', 'resolve', `${day}T08:00:00Z`, 'li.na', 'frontdesk', { resolution: '已协调' }),
  row(caseRef, 'complaint', 'callback', `${day}T09:00:00Z`, 'li.na', 'frontdesk', { satisfaction: 'satisfied' }),
  row(caseRef, 'complaint', 'close', `${day}T09:30:00Z`, 'li.na', 'frontdesk'),
];
const step2 = [
  ...step1,
  ...closing('TS2023-001', '2023-03-01'),
  ...closing('TS2023-002', '2023-03-02'),
  row('WX2023-001', 'repair', 'dispatch', '2023-03-01T03:00:00Z', 'wang.qiang', 'dispatcher', { technicianId: 'tech-3' }),
  row('WX2023-001', 'repair', 'accept', '2023-03-01T03:10:00Z', 'tech-3', 'technician'),
  row('WX2023-001', 'repair', 'arrive', '2023-03-01T04:00:00Z', 'tech-3', 'technician'),
  row('WX2023-001', 'repair', 'complete', '2023-03-02T05:00:00Z', 'tech-3', 'technician', { workDone: '更换阀门' }),
];

type Event = { type: string; data: Record<string, unknown>; metadata: { occurredAt: string; recordedAt: string; actor: { id: string } } };

t.test('a migration in two steps while the server and its watcher run', async (t) => {
  const { dir, remove } = await tempDir('migration-steps-');
  t.teardown(remove);
  const tokens = openTokenStore(join(dir, 'access.db'));
  const admin = tokens.create({ role: 'admin', properties: '*' }).token;
  const frontdesk = tokens.create({ role: 'frontdesk', properties: ['demo'] }).token;
  tokens.close();
  const server: ServerProcess = await startServer(dir);
  t.teardown(() => server.kill());
  const events = async (caseType: string, caseRef: string): Promise<Event[]> => {
    const { status, body } = await server.call('GET', `/v1/${caseType}s/${importedCaseId(caseType as 'complaint', caseRef)}/events`, admin);
    if (status !== 200) throw new Error(`${status} ${JSON.stringify(body)}`);
    return body.events;
  };
  const all = async () => [
    ...(await events('complaint', 'TS2023-001')),
    ...(await events('complaint', 'TS2023-002')),
    ...(await events('repair', 'WX2023-001')),
  ];
  const until = async (probe: () => Promise<boolean>, what: string) => {
    const giveUp = Date.now() + 30_000;
    while (!(await probe())) {
      if (Date.now() > giveUp) throw new Error(`not within 30 s: ${what}\n${server.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const first = await server.call('POST', '/v1/admin/import', admin, step1);
  t.match(first.body, { cases: { imported: 3 }, eventsWritten: 3, rejected: [] }, 'step 1: the open records of 2023');
  // A complaint received live beside the migration: the watcher's sentinel, and what a live miss does.
  const live = await server.call('POST', '/v1/complaints', frontdesk, complaint);
  t.equal(live.status, 201);

  // The watcher runs: 2 h 01 min later the live complaint's response deadline has passed too.
  await server.call('PUT', '/v1/admin/clock', admin, { now: '2026-03-02T03:01:00Z' });
  const escalated = async () =>
    (await server.call('GET', `/v1/complaints/${live.body.id}/events`, admin)).body.events.some((e: Event) => e.type === 'ComplaintEscalated');
  // Candidates are checked in deadline order: once the live one is escalated, the 2023 ones were judged.
  await until(escalated, 'the live complaint escalated');
  const misses = (await all()).filter((e) => e.type.endsWith('DeadlineMissed'));
  t.same(
    misses.map((e) => [e.data.clock, e.data.deadline, e.metadata.occurredAt]),
    [
      ['response', '2023-03-01T04:00:00Z', '2023-03-01T04:00:00Z'],
      ['response', '2023-03-02T04:00:00Z', '2023-03-02T04:00:00Z'],
      ['response', '2023-03-01T02:30:00Z', '2023-03-01T02:30:00Z'],
      ['completion', '2023-03-02T02:00:00Z', '2023-03-02T02:00:00Z'],
    ],
    'each miss of the imported records at its deadline',
  );
  t.ok(
    misses.every((e) => e.metadata.actor.id === 'deadline-watcher' && e.metadata.recordedAt.startsWith('2026-03-02')),
    'recorded by the watcher, today',
  );
  t.same(
    (await all()).filter((e) => e.type === 'ComplaintEscalated'),
    [],
    'no escalation of a deadline that passed before the import',
  );
  t.equal(server.output().match(/noticed late: not escalated/g)?.length, 4, 'each logged as noticed late');

  const before = (await all()).length;
  const again = await server.call('POST', '/v1/admin/import', admin, step1);
  t.match(
    again.body,
    { cases: { imported: 0, extended: 0, unchanged: 3, rejected: 0 }, eventsWritten: 0, rejected: [] },
    'the same file again: nothing written',
  );
  t.equal((await all()).length, before);

  await server.call('PUT', '/v1/admin/clock', admin, { now: '2026-03-09T03:00:00Z' });
  const second = await server.call('POST', '/v1/admin/import', admin, step2);
  t.match(
    second.body,
    { cases: { imported: 0, extended: 3, unchanged: 0, rejected: 0 }, eventsWritten: 12, rejected: [], heldBack: [] },
    'step 2: the later rows',
  );
  t.same(
    (await events('complaint', 'TS2023-001')).map((e) => e.type),
    ['ComplaintReceived', 'ComplaintDeadlineMissed', 'ComplaintHandlingStarted', 'ComplaintResolved', 'CallbackRecorded', 'ComplaintClosed'],
    'appended after what the watcher added',
  );
  t.same(
    (await events('repair', 'WX2023-001')).map((e) => e.type),
    ['RepairReported', 'RepairDeadlineMissed', 'RepairDeadlineMissed', 'RepairDispatched', 'RepairAccepted', 'RepairArrived', 'RepairCompleted'],
  );
  const third = await server.call('POST', '/v1/admin/import', admin, step2);
  t.match(third.body, { cases: { unchanged: 3 }, eventsWritten: 0 }, 'and step 2 again writes nothing');
  t.equal(await server.stop(), 0);
});
