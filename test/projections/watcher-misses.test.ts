import t from 'tap';
import { complaintCommands } from '../../src/domain/complaint/commands.js';
import { escalationCommandId, missCommandId, WATCHER_ACTOR } from '../../src/app/watcher-plan.js';
import { at, buildStore, complaintBody, repairBody, startProcess } from './watcher-fixture.js';
import { ownerData } from '../owner-data.js';

// The deadline watcher records a miss once a clock's deadline has passed, and only then; a paused clock waits.

t.test('a complaint not handled within 2 h: one miss of the response clock and one escalation, once', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('complaint', 'c1', 'receive', complaintBody);
  await p.sync();
  p.watcher.start();
  await p.watcher.idle();

  world.advance({ hours: 1, minutes: 59 });
  await p.watcher.idle();
  t.same(await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed'), [], 'nothing before the deadline');

  world.advance({ minutes: 2 }); // 2 h 01 min after receipt: the manual clock's change triggers a check
  await p.watcher.idle();
  const misses = await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed');
  t.equal(misses.length, 1);
  t.same(misses[0]!.data, { clock: 'response', policyId: 'complaint.response', deadline: at({ hours: 2 }) });
  t.match(misses[0]!.metadata, {
    actor: WATCHER_ACTOR,
    occurredAt: at({ hours: 2 }), // at the deadline, though noticed a minute later
    recordedAt: at({ hours: 2, minutes: 1 }),
    commandId: missCommandId('complaint', 'c1', 'response', at({ hours: 2 })),
  });
  const escalations = await world.ofType('complaint', 'c1', 'ComplaintEscalated');
  t.equal(escalations.length, 1);
  t.match(escalations[0]!.data, { reason: /response deadline 2026-03-02T03:00:00Z missed/ });
  // The codes and the instant, for a page to word in its own language and zone.
  t.match(escalations[0]!.data, { missed: { clock: 'response', policyId: 'complaint.response', deadline: '2026-03-02T03:00:00Z' } });
  t.match(escalations[0]!.metadata, { actor: { role: 'system' }, commandId: escalationCommandId('complaint', 'c1', 'response', at({ hours: 2 })) });
  t.notOk(
    complaintCommands.find((c) => c.name === 'escalate')!.roles.includes('system'),
    'the API would not let a system actor escalate; the case service checks no roles, so the watcher may',
  );
  t.match(p.logs, [
    { level: 'info', msg: 'deadline missed: recorded' },
    { level: 'info', msg: 'deadline missed: escalated' },
  ]);
  t.notMatch(JSON.stringify(p.logs), ownerData('王先生', '13800000000'), 'no owner data in the logs');

  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'a second check, read model not caught up yet');
  await p.sync();
  t.equal(p.db.prepare("SELECT miss_recorded FROM case_clocks WHERE case_id = 'c1' AND clock = 'response'").pluck().get(), 1);
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'and once it has');
  t.equal((await world.events('complaint', 'c1')).length, 3, 'received, missed, escalated');
});

t.test('a complaint handled in time records nothing; a repair missing its 30 min response records a miss, no escalation', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('complaint', 'c1', 'receive', complaintBody);
  await p.act('repair', 'r1', 'report', repairBody);
  world.advance({ hours: 2 });
  await p.act('complaint', 'c1', 'acknowledge'); // at the deadline: inclusive, met
  world.advance({ hours: 3 });
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 1, escalated: 0, failed: 0 });
  t.same(await world.ofType('complaint', 'c1', 'ComplaintDeadlineMissed'), []);
  t.same(await world.ofType('complaint', 'c1', 'ComplaintEscalated'), []);
  const [miss] = await world.ofType('repair', 'r1', 'RepairDeadlineMissed');
  t.same(miss!.data, { clock: 'response', policyId: 'repair.response', deadline: at({ minutes: 30 }) });
});

t.test('a repair paused before its deadline is not missed while paused, however long; after resuming, the shifted deadline counts', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('repair', 'r1', 'report', repairBody);
  world.advance({ minutes: 10 });
  await p.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  await p.act('repair', 'r1', 'accept');
  world.advance({ minutes: 50 });
  await p.act('repair', 'r1', 'arrive');
  await p.act('repair', 'r1', 'pause', { reason: 'awaiting_parts' }); // 1 h in
  await p.sync();
  p.watcher.start();
  world.advance({ hours: 29 }); // 30 h of wall time since the report
  await p.watcher.idle();
  t.same(await world.ofType('repair', 'r1', 'RepairDeadlineMissed'), [], 'paused since 1 h: 23 h of the clock left');

  await p.act('repair', 'r1', 'resume'); // deadline: 24 h + 29 h paused after the report
  await p.sync();
  world.advance({ hours: 23 });
  await p.watcher.idle();
  t.same(await world.ofType('repair', 'r1', 'RepairDeadlineMissed'), [], 'at 53 h: on the deadline, not past it');
  world.advance({ minutes: 1 });
  await p.watcher.idle();
  const misses = await world.ofType('repair', 'r1', 'RepairDeadlineMissed');
  t.same(
    misses.map((e) => e.data),
    [{ clock: 'completion', policyId: 'repair.completion.general', deadline: at({ hours: 53 }) }],
  );
});

t.test('a repair paused after its deadline passed unwatched is still recorded as missed', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('repair', 'r1', 'report', repairBody);
  world.advance({ minutes: 10 });
  await p.act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  await p.act('repair', 'r1', 'accept');
  await p.act('repair', 'r1', 'arrive');
  world.advance({ hours: 25 }); // past the 24 h completion deadline, no watcher running
  await p.act('repair', 'r1', 'pause', { reason: 'awaiting_parts' });
  await p.sync();
  p.watcher.start();
  await p.watcher.idle();
  const misses = await world.ofType('repair', 'r1', 'RepairDeadlineMissed');
  t.same(
    misses.map((e) => e.data),
    [{ clock: 'completion', policyId: 'repair.completion.general', deadline: at({ hours: 24 }) }],
    'the paused clock is a candidate: its pause began after its deadline',
  );
});
