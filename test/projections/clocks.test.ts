import t from 'tap';
import { kpiCasesFromReadModel } from '../../src/app/kpi-cases.js';
import { parsePeriod } from '../../src/domain/kpi/period.js';
import type { World } from './harness.js';
import { buildWorld, complaintBody, iso, repairBody, runnerFor } from './harness.js';

const projected = async (world: World) => {
  const { db, runner } = runnerFor(world);
  await runner.start();
  await runner.waitUntilCaughtUp();
  await runner.stop();
  const clocks = (caseId: string) =>
    Object.fromEntries(
      (db.prepare('SELECT * FROM case_clocks WHERE case_id = ?').all(caseId) as Array<Record<string, number | string | null>>).map((row) => [
        row.clock,
        {
          ...row,
          started_at: iso(row.started_at as number | null),
          stopped_at: iso(row.stopped_at as number | null),
          ended_at: iso(row.ended_at as number | null),
          deadline: iso(row.deadline as number | null),
          at_risk_at: iso(row.at_risk_at as number | null),
          paused_since: iso(row.paused_since as number | null),
        },
      ]),
    );
  const caseRow = (caseId: string) => db.prepare('SELECT * FROM cases WHERE case_id = ?').get(caseId) as Record<string, unknown>;
  return { clocks, caseRow, db };
};

t.test('a complaint: response and resolution deadlines, at risk, stop', async (t) => {
  const world = await buildWorld(); // Monday 2 March 2026, 09:00 in Beijing
  await world.act('complaint', 'c1', 'receive', complaintBody);
  let { clocks, caseRow, db } = await projected(world);
  t.match(clocks('c1').response, {
    policy_id: 'complaint.response',
    kind: 'elapsed',
    started_at: '2026-03-02T01:00:00Z',
    stopped_at: null,
    ended_at: null,
    deadline: '2026-03-02T03:00:00Z',
    at_risk_at: '2026-03-02T02:36:00Z',
    paused_since: null,
    escalate_on_miss: 1,
    miss_recorded: 0,
    error: null,
  });
  // 3 working days: due at the end of Thursday 5 March, local; at risk after 80% of those 87 h.
  t.match(clocks('c1').resolution, { kind: 'working_days', deadline: '2026-03-05T16:00:00Z', at_risk_at: '2026-03-04T22:36:00Z' });
  t.match(clocks('c1').callback, { started_at: null, deadline: null, at_risk_at: null });
  t.match(caseRow('c1'), {
    property_id: 'demo',
    state: 'received',
    open: 1,
    category: 'noise',
    channel: 'phone',
    complexity: null,
    place: '3-2-1201',
    building: '3',
    received_at: Date.parse('2026-03-02T01:00:00Z'),
    received_date: '2026-03-02',
    revision: 0,
  });
  t.match(
    kpiCasesFromReadModel(db, 'demo', parsePeriod('2026-03')).find((c) => c.caseId === 'c1'),
    {
      caseId: 'c1',
      receivedDate: '2026-03-02',
      response: { deadline: Date.parse('2026-03-02T03:00:00Z') },
    },
  );
  t.match(JSON.parse(caseRow('c1').facts as string), { unit: '3-2-1201', handlingStartedAt: null });

  world.advance({ hours: 2, minutes: 30 });
  await world.act('complaint', 'c1', 'record-deadline-miss', { clock: 'response', policyId: 'complaint.response', deadline: '2026-03-02T03:00:00Z' });
  await world.act('complaint', 'c1', 'acknowledge');
  ({ clocks, caseRow } = await projected(world));
  t.match(clocks('c1').response, { stopped_at: '2026-03-02T03:30:00Z', deadline: '2026-03-02T03:00:00Z', miss_recorded: 1 });
  t.match(clocks('c1').resolution, { stopped_at: null, miss_recorded: 0 });
  t.match(caseRow('c1'), { state: 'handling', revision: 2 });

  world.advance({ minutes: 10 });
  await world.act('complaint', 'c1', 'withdraw', { reason: '业主已自行解决' });
  ({ clocks, caseRow } = await projected(world));
  t.match(clocks('c1').resolution, { stopped_at: null, ended_at: '2026-03-02T03:40:00Z' });
  t.match(clocks('c1').callback, { started_at: null, ended_at: '2026-03-02T03:40:00Z' });
  t.match(caseRow('c1'), { state: 'withdrawn', open: 0 });
});

t.test('a repair: paused, resumed, reclassified complex', async (t) => {
  const world = await buildWorld();
  await world.act('repair', 'r1', 'report', repairBody); // 01:00Z
  world.advance({ minutes: 10 });
  await world.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' }); // 01:10Z
  world.advance({ minutes: 5 });
  await world.act('repair', 'r1', 'accept');
  world.advance({ minutes: 15 });
  await world.act('repair', 'r1', 'arrive'); // 01:30Z
  world.advance({ hours: 7, minutes: 30 });
  await world.act('repair', 'r1', 'pause', { reason: 'awaiting_parts' }); // 09:00Z, 8 h counted
  let { clocks, caseRow } = await projected(world);
  t.match(clocks('r1').response, { deadline: '2026-03-02T01:30:00Z', stopped_at: '2026-03-02T01:10:00Z', at_risk_at: '2026-03-02T01:24:00Z' });
  t.match(
    clocks('r1').completion,
    {
      policy_id: 'repair.completion.general',
      paused_since: '2026-03-02T09:00:00Z',
      deadline: '2026-03-03T01:00:00Z',
      at_risk_at: '2026-03-02T20:12:00Z',
    },
    'while paused: as if the pause ended when it began',
  );
  t.match(caseRow('r1'), { state: 'paused', technician_id: 'tech-7', complexity: 'general', channel: null, building: '5' });

  world.advance({ hours: 24 });
  await world.act('repair', 'r1', 'resume'); // 3 March 09:00Z
  ({ clocks } = await projected(world));
  t.match(clocks('r1').completion, { paused_since: null, deadline: '2026-03-04T01:00:00Z', at_risk_at: '2026-03-03T20:12:00Z' }, 'moved by the 24 h pause');

  world.advance({ hours: 1 });
  await world.act('repair', 'r1', 'reclassify', { complexity: 'complex', reason: '需更换立管' });
  ({ clocks, caseRow } = await projected(world));
  t.match(
    clocks('r1').completion,
    { policy_id: 'repair.completion.complex', started_at: '2026-03-02T01:00:00Z', deadline: '2026-03-06T01:00:00Z' },
    '72 h from the report, plus the pause',
  );
  t.match(caseRow('r1'), { complexity: 'complex', state: 'on_site' });
});

t.test('a deadline in a year without a published calendar is an error, not a guess', async (t) => {
  const world = await buildWorld();
  world.clock.set(world.clock.now().add({ hours: 24 * 304 + 2 })); // 31 Dec 2026, 11:00 local
  await world.act('complaint', 'c2', 'receive', complaintBody);
  const { clocks } = await projected(world);
  t.match(clocks('c2').resolution, { deadline: null, at_risk_at: null, error: /^CALENDAR_YEAR_UNPUBLISHED: .*2027/ });
  t.match(clocks('c2').response, { deadline: '2026-12-31T05:00:00Z', error: null });
});
