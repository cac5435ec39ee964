import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import type { Temporal } from 'temporal-polyfill';
import type { RecordType } from '../../src/domain/records.js';
import { caseClocks, type ClockStatus } from '../../src/domain/sla/clocks.js';
import { clockSubjectOf } from '../../src/domain/records.js';
import { alertCandidateSql, clockStatusSql, liveClockSql } from '../../src/projections/clock-status.js';
import { buildWorld, complaintBody, repairBody, runnerFor, type World } from './harness.js';
import { historyOf, stepArbitrary } from './histories.js';

/** The read model's words for the domain's statuses: the same rule, one name differs. */
const sqlName = (status: ClockStatus) => (status === 'undetermined' ? 'unknown' : status);

/**
 * Each `case_clocks` row's status by the SQL rule (dashboard, metrics) next to the status the
 * domain gives the same clock (case view, audit), at `now`. They must agree: a clock shown
 * missed on the dashboard and met in the case view would be two answers to one question.
 */
const compare = async (world: World, now: Temporal.Instant) => {
  const { db, runner } = runnerFor(world);
  await runner.start();
  await runner.waitUntilCaughtUp();
  await runner.stop();
  const rows = db
    .prepare(
      `SELECT k.case_type, k.case_id, k.clock, ${clockStatusSql('k')} AS status, ${liveClockSql('k')} AS live, ${alertCandidateSql('k')} AS candidate
       FROM case_clocks k ORDER BY 1, 2, 3`,
    )
    .all({ now: now.epochMilliseconds }) as Array<{ case_type: RecordType; case_id: string; clock: string; status: string; live: number; candidate: number }>;
  const pairs = rows.map((row) => {
    const state = world.stateOf(row.case_type, row.case_id)!;
    const clock = caseClocks(clockSubjectOf({ caseType: row.case_type, facts: state.snapshot.facts }), world.ruleset, now).find((c) => c.clock === row.clock);
    return {
      clock: `${row.case_type}-${row.case_id}/${row.clock}`,
      sql: row.status,
      domain: clock ? sqlName(clock.status) : 'absent',
      liveAlert: row.live === 1 && (row.status === 'at_risk' || row.status === 'missed'),
      candidate: row.candidate === 1,
    };
  });
  db.close();
  return pairs;
};

t.test('the SQL clock status and the domain clock status agree on every clock of random histories, at many instants', async (t) => {
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(
      fc.array(stepArbitrary, { minLength: 5, maxLength: 30, size: 'max' }),
      fc.array(fc.nat(6_000), { minLength: 1, maxLength: 4 }),
      async (steps, laters) => {
        const world = await buildWorld();
        const runStep = historyOf(world);
        for (const step of steps) await runStep(step);
        // At the last event, then later instants (minutes after it): clocks run out, go at risk, stay paused.
        for (const later of [0, ...laters]) {
          const now = world.clock.now().add({ minutes: later });
          for (const pair of await compare(world, now)) {
            seen.add(pair.domain);
            assert.equal(pair.sql, pair.domain, `${pair.clock} at ${now}`);
            // The dashboard and the queues read alerting clocks through this condition: it must let every one through.
            if (pair.liveAlert) {
              seen.add(`live ${pair.sql}`);
              assert.ok(pair.candidate, `${pair.clock} at ${now} is ${pair.sql} but not an alert candidate`);
            }
          }
        }
      },
    ),
    { numRuns: 60 },
  );
  for (const status of ['running', 'at_risk', 'met', 'missed', 'ended', 'not_started', 'live at_risk', 'live missed'])
    t.ok(seen.has(status), `histories reached ${status}`);
});

t.test('a complaint withdrawn after its response deadline: its response clock was missed, not merely ended', async (t) => {
  const world = await buildWorld();
  await world.act('complaint', 'c1', 'receive', complaintBody);
  world.advance({ hours: 3 });
  await world.act('complaint', 'c1', 'withdraw', { reason: '业主已自行解决' });
  await world.act('complaint', 'c2', 'receive', complaintBody);
  world.advance({ minutes: 30 });
  await world.act('complaint', 'c2', 'withdraw', { reason: '业主已自行解决' });
  const statuses = Object.fromEntries((await compare(world, world.clock.now().add({ hours: 1 }))).map((p) => [p.clock, p]));
  t.match(statuses['complaint-c1/response'], { sql: 'missed', domain: 'missed' });
  t.match(statuses['complaint-c2/response'], { sql: 'ended', domain: 'ended' });
  t.match(statuses['complaint-c1/resolution'], { sql: 'ended', domain: 'ended' });
});

t.test('repairs paused before and after their completion deadline, then cancelled while paused', async (t) => {
  const world = await buildWorld();
  const pausedAfter = async (caseId: string, hours: number) => {
    await world.act('repair', caseId, 'report', repairBody);
    await world.act('repair', caseId, 'dispatch', { technicianId: 'tech-7' });
    await world.act('repair', caseId, 'accept');
    await world.act('repair', caseId, 'arrive');
    world.advance({ hours });
    await world.act('repair', caseId, 'pause', { reason: 'awaiting_parts' });
  };
  await pausedAfter('early', 1); // 1 h into its 24 h
  await pausedAfter('late', 30); // 30 h after its own report: missed, then paused
  const at = async (hours: number) => Object.fromEntries((await compare(world, world.clock.now().add({ hours }))).map((p) => [p.clock, p]));
  let statuses = await at(100);
  t.match(statuses['repair-early/completion'], { sql: 'paused', domain: 'paused' });
  t.match(statuses['repair-late/completion'], { sql: 'missed', domain: 'missed' });
  world.advance({ hours: 100 });
  await world.act('repair', 'early', 'cancel', { reason: '业主自行修好' });
  await world.act('repair', 'late', 'cancel', { reason: '业主自行修好' });
  statuses = await at(1);
  t.match(statuses['repair-early/completion'], { sql: 'ended', domain: 'ended' });
  t.match(statuses['repair-late/completion'], { sql: 'missed', domain: 'missed' });
});
