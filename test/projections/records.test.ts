import t from 'tap';
import type Database from 'better-sqlite3';
import { kpiCasesFromReadModel } from '../../src/app/kpi-cases.js';
import { parsePeriod } from '../../src/domain/kpi/period.js';
import type { World } from './harness.js';
import { buildWorld, iso, runnerFor } from './harness.js';

/** The world's log projected into a fresh read model: its rows, readable. */
const projected = async (world: World) => {
  const { db, runner } = runnerFor(world);
  await runner.start();
  await runner.waitUntilCaughtUp();
  await runner.stop();
  return rowsOf(db);
};

const rowsOf = (db: Database.Database) => {
  const caseRow = (caseType: string, caseId: string) =>
    db
      .prepare(
        'SELECT state, open, place, building, category, channel, department, received_at, received_date, revision FROM cases WHERE case_type = ? AND case_id = ?',
      )
      .get(caseType, caseId) as Record<string, unknown> | undefined;
  const clocks = (caseType: string, caseId: string) =>
    (
      db.prepare('SELECT * FROM case_clocks WHERE case_type = ? AND case_id = ? ORDER BY clock').all(caseType, caseId) as Array<
        Record<string, number | string | null>
      >
    ).map((row) => ({
      ...row,
      started_at: iso(row.started_at as number | null),
      stopped_at: iso(row.stopped_at as number | null),
      ended_at: iso(row.ended_at as number | null),
      deadline: iso(row.deadline as number | null),
      at_risk_at: iso(row.at_risk_at as number | null),
    }));
  const kpiDate = (caseType: string, caseId: string) =>
    db.prepare('SELECT received_date FROM case_kpis WHERE case_type = ? AND case_id = ?').pluck().get(caseType, caseId);
  return { db, caseRow, clocks, kpiDate };
};

const visit = {
  propertyId: 'demo',
  unit: '3-2-1201',
  category: 'renovation',
  description: '装修手续咨询',
  channel: 'walk_in',
  visitor: { name: '赵', phone: '13700000000' },
};

t.test('a visit: its reception clock runs 30 minutes from receipt and stops at the answer or the referral', async (t) => {
  const world = await buildWorld(); // Monday 2 March 2026, 09:00 in Beijing
  await world.act('visit', 'v1', 'receive', visit);
  await world.act('visit', 'v2', 'receive', visit);
  let { clocks, caseRow, kpiDate } = await projected(world);
  t.match(
    clocks('visit', 'v1'),
    [
      {
        clock: 'response',
        policy_id: 'visit.response',
        kind: 'elapsed',
        property_id: 'demo',
        started_at: '2026-03-02T01:00:00Z',
        deadline: '2026-03-02T01:30:00Z',
        at_risk_at: '2026-03-02T01:24:00Z',
        stopped_at: null,
        ended_at: null,
        paused_since: null,
        escalate_on_miss: 0,
        miss_recorded: 0,
        error: null,
      },
    ],
    'one clock, at risk after 80 % of it',
  );
  t.match(caseRow('visit', 'v1'), {
    state: 'received',
    open: 1,
    place: '3-2-1201',
    building: '3',
    category: 'renovation',
    channel: 'walk_in',
    department: null,
    received_at: Date.parse('2026-03-02T01:00:00Z'),
    received_date: '2026-03-02',
    revision: 0,
  });
  t.equal(kpiDate('visit', 'v1'), '2026-03-02');

  world.advance({ minutes: 20 });
  await world.act('visit', 'v1', 'answer', { answer: '已当面答复' });
  world.advance({ minutes: 20 });
  await world.act('visit', 'v2', 'record-deadline-miss', { clock: 'response', policyId: 'visit.response', deadline: '2026-03-02T01:30:00Z' });
  await world.act('visit', 'v2', 'refer', { department: 'engineering' });
  // biome-ignore lint/style/useConst: assigned with the other rows the projection returns.
  let db: Database.Database;
  ({ clocks, caseRow, db } = await projected(world));
  t.match(clocks('visit', 'v1'), [{ stopped_at: '2026-03-02T01:20:00Z', ended_at: null, miss_recorded: 0 }]);
  t.match(
    clocks('visit', 'v2'),
    [{ stopped_at: '2026-03-02T01:40:00Z', deadline: '2026-03-02T01:30:00Z', miss_recorded: 1 }],
    'referred late, its miss recorded',
  );
  t.match(caseRow('visit', 'v1'), { state: 'answered', open: 1 });
  t.match(caseRow('visit', 'v2'), { state: 'referred', open: 1, department: 'engineering' });
  const read = kpiCasesFromReadModel(db, 'demo', parsePeriod('2026-03'));
  t.match(
    read.find((r) => r.caseId === 'v2'),
    {
      caseType: 'visit',
      response: { policyId: 'visit.response', deadline: Date.parse('2026-03-02T01:30:00Z'), stoppedAt: Date.parse('2026-03-02T01:40:00Z') },
    },
  );

  await world.act('visit', 'v1', 'close');
  await world.act('visit', 'v3', 'receive', visit);
  world.advance({ minutes: 5 });
  await world.act('visit', 'v3', 'refer', { department: 'finance' });
  await world.act('visit', 'v3', 'close', { note: '财务部已回复' });
  ({ clocks, caseRow } = await projected(world));
  t.match(caseRow('visit', 'v1'), { state: 'closed', open: 0 });
  t.match(clocks('visit', 'v1'), [{ stopped_at: '2026-03-02T01:20:00Z', ended_at: null }], 'stopped before it ended: not ended');
  t.match(caseRow('visit', 'v3'), { state: 'closed', open: 0, department: 'finance' });
  t.match(clocks('visit', 'v3'), [{ started_at: '2026-03-02T01:40:00Z', stopped_at: '2026-03-02T01:45:00Z' }]);
});

t.test('case rows of the other records: state, open, place and the date each reports under', async (t) => {
  const world = await buildWorld();
  // Billed on 2 March for February: the ledger reports under February, whenever it was billed.
  await world.act('fee', 'f1', 'bill', { propertyId: 'demo', unit: '7-1-101', period: '2026-02', amountFen: 12000, dueDate: '2026-02-25' });
  await world.act('activity', 'a1', 'record', { propertyId: 'demo', title: '元宵灯会', heldOn: '2026-02-28', participants: 400 });
  await world.act('archive_check', 'ok', 'record', { propertyId: 'demo', unit: '3-2-1201', correct: true });
  await world.act('archive_check', 'bad', 'record', { propertyId: 'demo', unit: '5-1-302', correct: false, wrongFields: ['owner.name'] });
  await world.act('inspection', 'pass', 'record', { propertyId: 'demo', procedure: 'gate-patrol', passed: true });
  await world.act('inspection', 'fail', 'record', { propertyId: 'demo', procedure: 'lift-check', passed: false, findings: '未签字' });
  let { caseRow, clocks, kpiDate } = await projected(world);
  const billedAt = Date.parse('2026-03-02T01:00:00Z');
  t.match(caseRow('fee', 'f1'), {
    state: 'outstanding',
    open: 1,
    place: '7-1-101',
    building: '7',
    category: null,
    received_at: billedAt,
    received_date: '2026-02-01',
  });
  t.match(
    caseRow('activity', 'a1'),
    { state: 'held', open: 0, place: null, building: null, received_date: '2026-02-28' },
    'the day held, not the day recorded',
  );
  t.match(caseRow('archive_check', 'ok'), { state: 'correct', open: 0, place: '3-2-1201', received_date: '2026-03-02' });
  t.match(caseRow('archive_check', 'bad'), { state: 'incorrect', open: 1, place: '5-1-302' });
  t.match(caseRow('inspection', 'pass'), { state: 'passed', open: 0, place: null, category: 'gate-patrol', received_date: '2026-03-02' });
  t.match(caseRow('inspection', 'fail'), { state: 'failed', open: 1, category: 'lift-check' });
  for (const [type, id] of [
    ['fee', 'f1'],
    ['activity', 'a1'],
    ['archive_check', 'bad'],
    ['inspection', 'fail'],
  ] as const) {
    t.same(clocks(type, id), [], `${type}: no clocks`);
    t.equal(kpiDate(type, id), caseRow(type, id)!.received_date, `${type}: its kpi row is dated as its case row`);
  }

  await world.act('fee', 'f1', 'pay', { amountFen: 12000, method: 'alipay' });
  await world.act('archive_check', 'bad', 'correct', { note: '已更正' });
  await world.act('inspection', 'fail', 'rectify', { note: '已整改' });
  await world.act('activity', 'a1', 'correct-participation', { participants: 380, reason: '签到表复核' });
  ({ caseRow } = await projected(world));
  t.match(caseRow('fee', 'f1'), { state: 'settled', open: 0, revision: 1, received_date: '2026-02-01' });
  t.match(caseRow('archive_check', 'bad'), { state: 'corrected', open: 0 });
  t.match(caseRow('inspection', 'fail'), { state: 'rectified', open: 0 });
  t.match(caseRow('activity', 'a1'), { state: 'held', open: 0, revision: 1 });

  await world.act('fee', 'f1', 'refund', { amountFen: 2000, reason: '多收退回' });
  ({ caseRow } = await projected(world));
  t.match(caseRow('fee', 'f1'), { state: 'outstanding', open: 1, revision: 2 }, 'a refund opens the ledger again');
});

t.test('a check made at 00:30 local is dated that day, not the UTC one before', async (t) => {
  const world = await buildWorld();
  world.advance({ hours: 15, minutes: 30 }); // 2 March 16:30 UTC: 3 March 00:30 in Beijing
  await world.act('archive_check', 'night', 'record', { propertyId: 'demo', unit: '3-2-1201', correct: true });
  await world.act('inspection', 'night', 'record', { propertyId: 'demo', procedure: 'night-patrol', passed: true });
  await world.act('visit', 'night', 'receive', visit);
  const { caseRow, kpiDate } = await projected(world);
  for (const type of ['archive_check', 'inspection', 'visit']) {
    t.equal(caseRow(type, 'night')!.received_date, '2026-03-03', `${type}: case row`);
    t.equal(kpiDate(type, 'night'), '2026-03-03', `${type}: kpi row`);
  }
});
