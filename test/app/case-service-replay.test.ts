import t from 'tap';
import { loadCase } from '../../src/app/case-history.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { bodies, chainIntact, complaint, desk, failure, instrumented, outcome, run, setup } from './case-service-fixture.js';

// Retried commands answer as the first time; ids minted for one request are not looked up before they are needed.

t.test('idempotent replay with the cache: the original outcome, exactly', async (t) => {
  const memory = createMemoryEventStore();
  const { service, clock } = await setup(memory);
  const cached = service(memory);
  const uncached = service(memory, 0);
  const fresh = () => service(memory);

  const received = await run(cached, 'c1', 'receive', 'cmd-receive');
  clock.set(clock.now().add({ minutes: 1 }));
  const escalated = await run(cached, 'c1', 'escalate', 'cmd-escalate');
  const latest = await run(cached, 'c1', 'escalate', 'cmd-escalate');
  t.ok(latest.replayed, 'the latest command retried');
  t.same(outcome(latest), { ...outcome(escalated), replayed: true });

  await run(uncached, 'c1', 'acknowledge', 'cmd-ack');
  clock.set(clock.now().add({ minutes: 1 }));
  await run(cached, 'c1', 'assign', 'cmd-assign');
  for (const [label, svc] of [
    ['cached', cached],
    ['uncached', uncached],
    ['a fresh process', fresh()],
  ] as const) {
    for (const [commandId, name, original] of [
      ['cmd-receive', 'receive', received],
      ['cmd-escalate', 'escalate', escalated],
    ] as const) {
      const replayed = await run(svc, 'c1', name, commandId);
      t.same(outcome(replayed), { ...outcome(original), replayed: true }, `${label}: ${name} answers as the first time`);
    }
    const ack = await run(svc, 'c1', 'acknowledge', 'cmd-ack');
    t.same([ack.replayed, ack.revision], [true, 2n], `${label}: a command another process appended is recognised`);
  }
  t.equal((await loadCase(memory, 'complaint', 'c1')).events.length, 4, 'no retry wrote anything');

  const racing = await Promise.all(Array.from({ length: 10 }, () => run(cached, 'c2', 'receive', 'cmd-c2')));
  t.same(new Set(racing.map((r) => r.revision)), new Set([0n]), 'a crowd of one retried command: one event');
  t.equal((await loadCase(memory, 'complaint', 'c2')).events.length, 1);
});

t.test('a command id minted for one request: not kept in the index; should it come again, the store recognises it', async (t) => {
  const memory = createMemoryEventStore();
  const { service } = await setup(memory);
  const svc = service(memory);
  const minted = (name: string, commandId: string, payload = bodies[name]) =>
    svc.execute({ caseType: 'complaint', command: { caseId: 'c1', name, payload, commandId, actor: desk }, mintedCommandId: true });
  await minted('receive', 'minted-receive');
  const escalated = await minted('escalate', 'minted-escalate');
  t.equal(escalated.revision, 1n);

  const again = await minted('escalate', 'minted-escalate');
  t.same(outcome(again), { ...outcome(escalated), replayed: true }, 'answered as the first time, from the store');
  t.equal((await loadCase(memory, 'complaint', 'c1')).events.length, 2, 'nothing written twice');
  const reused = await minted('escalate', 'minted-escalate', { reason: '另一件事' }).then(() => 'accepted', failure);
  t.match(reused, { error: 'COMMAND_ID_REUSED' }, 'the same id for another request is refused');

  const next = await minted('acknowledge', 'minted-ack');
  t.equal(next.revision, 2n, 'the case goes on at the stored revision');
  t.ok(await chainIntact(memory, 'c1'));
});

t.test('a case id minted for one request is not read before its first append; a stream that exists after all is read and refused', async (t) => {
  const memory = createMemoryEventStore();
  const probe = instrumented(() => memory);
  const { service } = await setup(memory);
  const svc = service(probe.store);
  const create = (caseId: string, commandId: string) =>
    svc.execute({
      caseType: 'complaint',
      command: { caseId, name: 'receive', payload: complaint, commandId, actor: desk },
      mintedCommandId: true,
      mintedCaseId: true,
    });

  const created = await create('fresh', 'cmd-1');
  t.equal(created.revision, 0n);
  t.same(probe.reads, [], 'nothing read: the stream cannot exist yet');
  t.equal((await loadCase(memory, 'complaint', 'fresh')).events.length, 1);

  const again = await create('fresh', 'cmd-2').catch(failure);
  t.match(again, { error: 'CASE_ALREADY_EXISTS' }, 'the append expecting no stream conflicts; decided again on the stream as read');
  t.ok(probe.reads.length > 0 && probe.reads.every((r) => r.stream === 'complaint-fresh'), 'read after the conflict, as any refusal is decided');
  t.equal((await loadCase(memory, 'complaint', 'fresh')).events.length, 1, 'nothing written twice');
});
