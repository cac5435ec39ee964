import t from 'tap';
import { missCommandId, WATCHER_ACTOR } from '../../src/app/watcher-plan.js';
import { at, buildStore, startProcess } from './watcher-fixture.js';

const visit = { propertyId: 'demo', unit: '3-2-1201', category: 'inquiry', description: '咨询停车位', channel: 'walk_in', visitor: { name: '赵' } };

t.test('a visit not answered within 30 min: one VisitDeadlineMissed, no escalation, however often it is checked', async (t) => {
  const world = await buildStore();
  const p = await startProcess(world);
  t.teardown(() => p.stop());
  await p.act('visit', 'v1', 'receive', visit);
  await p.act('visit', 'v2', 'receive', visit);
  await p.sync();
  p.watcher.start();
  await p.watcher.idle();

  world.advance({ minutes: 30 });
  await p.act('visit', 'v2', 'answer', { answer: '已答复' }); // on the deadline: met
  await p.watcher.idle();
  t.same(await world.ofType('visit', 'v1', 'VisitDeadlineMissed'), [], 'nothing on the deadline itself');

  world.advance({ minutes: 1 });
  await p.watcher.idle();
  const misses = await world.ofType('visit', 'v1', 'VisitDeadlineMissed');
  t.equal(misses.length, 1);
  t.same(misses[0]!.data, { clock: 'response', policyId: 'visit.response', deadline: at({ minutes: 30 }) });
  t.match(misses[0]!.metadata, {
    actor: WATCHER_ACTOR,
    occurredAt: at({ minutes: 30 }), // at the deadline itself
    recordedAt: at({ minutes: 31 }),
    commandId: missCommandId('visit', 'v1', 'response', at({ minutes: 30 })),
  });
  t.same(await world.ofType('visit', 'v2', 'VisitDeadlineMissed'), [], 'answered in time');

  await p.sync();
  t.equal(p.db.prepare("SELECT miss_recorded FROM case_clocks WHERE case_type = 'visit' AND case_id = 'v1'").pluck().get(), 1);
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 }, 'checked again: nothing');
  world.advance({ hours: 5 });
  await p.watcher.idle();
  await p.act('visit', 'v1', 'refer', { department: 'security' }); // late: the clock stops, missed
  await p.sync();
  t.same(await p.watcher.checkNow(), { recorded: 0, escalated: 0, failed: 0 });
  t.same(
    (await world.events('visit', 'v1')).map((e) => e.type),
    ['VisitReceived', 'VisitDeadlineMissed', 'VisitReferred'],
    'one miss, no escalation',
  );
  t.same(
    p.logs.filter((l) => l.level === 'error'),
    [],
  );
});

t.test("two processes checking at once over one store record each visit's miss once", async (t) => {
  const world = await buildStore();
  const a = await startProcess(world);
  const b = await startProcess(world);
  t.teardown(async () => {
    await a.stop();
    await b.stop();
  });
  for (const id of ['v1', 'v2', 'v3']) await a.act('visit', id, 'receive', visit);
  await Promise.all([a.sync(), b.sync()]);
  world.advance({ hours: 1 });
  const [ra, rb] = await Promise.all([a.watcher.checkNow(), b.watcher.checkNow()]);
  t.equal(ra.recorded + rb.recorded, 3, `recorded between them: ${ra.recorded} + ${rb.recorded}`);
  t.equal(ra.escalated + rb.escalated, 0);
  for (const id of ['v1', 'v2', 'v3']) t.equal((await world.ofType('visit', id, 'VisitDeadlineMissed')).length, 1, id);
});
