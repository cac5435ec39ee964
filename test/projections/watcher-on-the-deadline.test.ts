import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { clockSubjectOf, type RecordType } from '../../src/domain/records.js';
import { caseClocks } from '../../src/domain/sla/clocks.js';
import { clockStatusSql } from '../../src/projections/clock-status.js';
import { CANDIDATES } from '../../src/app/deadline-watcher.js';
import { planMiss } from '../../src/app/watcher-plan.js';
import { at, buildStore, complaintBody, repairBody, startProcess, type Process, type StoreWorld } from './watcher-fixture.js';
import { visitBody } from '../domain/case/fixtures.js';

/**
 * A deadline is inclusive: the stopping event at the deadline's very instant meets it. The watcher
 * decides in two steps, the read model nominating (CANDIDATES) and the case stream deciding
 * (planMiss), and either would hide the other's slip at the boundary; so each is held to the
 * instant on its own, next to the clocks of the domain and of the read model.
 */
const clocks: ReadonlyArray<{
  caseType: RecordType;
  opens: [string, unknown];
  stops: [string, unknown];
  clock: string;
  within: Temporal.DurationLike;
  missType: string;
}> = [
  {
    caseType: 'complaint',
    opens: ['receive', complaintBody],
    stops: ['acknowledge', {}],
    clock: 'response',
    within: { hours: 2 },
    missType: 'ComplaintDeadlineMissed',
  },
  {
    caseType: 'repair',
    opens: ['report', repairBody],
    stops: ['dispatch', { technicianId: 'tech-7' }],
    clock: 'response',
    within: { minutes: 30 },
    missType: 'RepairDeadlineMissed',
  },
  {
    caseType: 'visit',
    opens: ['receive', visitBody],
    stops: ['answer', { answer: '已答复' }],
    clock: 'response',
    within: { minutes: 30 },
    missType: 'VisitDeadlineMissed',
  },
];

/** The clock as each part of the engine sees it at `now`. */
const seen = async (world: StoreWorld, p: Process, caseType: RecordType, clock: string, now: Temporal.Instant) => {
  const history = await p.cases.load(caseType, 'x1');
  const ruleset = world.rulesets.current;
  const domain = caseClocks(clockSubjectOf({ caseType, facts: history.state.snapshot.facts }), ruleset, now).find((c) => c.clock === clock)!;
  const row = p.db
    .prepare(`SELECT k.stopped_at, ${clockStatusSql('k')} AS status FROM case_clocks k WHERE case_type = ? AND case_id = 'x1' AND clock = ?`)
    .get({ now: now.epochMilliseconds }, caseType, clock) as { stopped_at: number | null; status: string };
  const nominated = (p.db.prepare(CANDIDATES).all({ now: now.epochMilliseconds }) as Array<{ case_type: string; clock: string }>).some(
    (c) => c.case_type === caseType && c.clock === clock,
  );
  return { domain, row, nominated, plan: planMiss(history, ruleset, clock, now) };
};

for (const { caseType, opens, stops, clock, within, missType } of clocks) {
  t.test(`${caseType} ${clock}: the stopping event at the deadline's instant is met, for the watcher as for the clocks`, async (t) => {
    const world = await buildStore();
    const p = await startProcess(world);
    t.teardown(() => p.stop());
    await p.act(caseType, 'x1', ...opens);
    await p.sync();
    const deadline = Temporal.Instant.from(at(within));

    world.clock.set(deadline);
    const onIt = await seen(world, p, caseType, clock, deadline);
    t.equal(onIt.domain.deadline, deadline.toString());
    t.not(onIt.domain.status, 'missed', 'on the instant, still running: the domain clock is not missed');
    t.not(onIt.row.status, 'missed', "nor the read model's");
    t.notOk(onIt.nominated, 'the read model does not nominate it to the watcher');
    t.match(onIt.plan, { kind: 'skip' }, 'the stream does not call it missed either');
    t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'a check on the instant records nothing');

    await p.act(caseType, 'x1', ...stops);
    await p.sync();
    const later = deadline.add({ hours: 3 });
    world.clock.set(later);
    const after = await seen(world, p, caseType, clock, later);
    t.match(after.domain, { status: 'met', stoppedAt: deadline.toString() }, 'the domain clock: met');
    t.same(after.row, { stopped_at: deadline.epochMilliseconds, status: 'met' }, "the read model's clock: met");
    t.notOk(after.nominated, 'not a candidate afterwards');
    t.match(after.plan, { kind: 'skip', reason: 'the clock has stopped' });
    t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'a check after it records nothing');
    t.same(await world.ofType(caseType, 'x1', missType), [], 'no miss in the stream');
    t.same(await world.ofType(caseType, 'x1', 'ComplaintEscalated'), [], 'and no escalation');
  });
}
