import t from 'tap';
import { loadCase } from '../../src/app/case-history.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { bodies, chainIntact, desk, failure, instrumented, run, setup, twoProcesses } from './case-service-fixture.js';

// Processes sharing one store: each decides on the stored state, whatever the other appended before or during its command.

t.test('another process appends between two commands: the next one decides on the stored state', async (t) => {
  const [first, second] = twoProcesses(t);
  const { service, clock } = await setup(first);
  const here = service(first);
  const there = service(second);

  await run(here, 'c1', 'receive');
  await run(here, 'c1', 'escalate');
  clock.set(clock.now().add({ minutes: 1 }));
  await run(there, 'c1', 'acknowledge');
  const next = await run(here, 'c1', 'assign');
  t.equal(next.revision, 3n, 'appended after the other process’s event, not over it');
  t.equal(next.state.snapshot.state, (await loadCase(first, 'complaint', 'c1')).state.snapshot.state);
  t.ok(await chainIntact(first, 'c1'), 'the hash chain links to the event the other process wrote');

  await run(there, 'c1', 'withdraw');
  const refused = await run(here, 'c1', 'escalate').catch(failure);
  t.match(refused, { error: 'TRANSITION_NOT_ALLOWED' }, 'no decision on the stale cached state: the case is withdrawn');
  t.equal((await loadCase(first, 'complaint', 'c1')).events.length, 5, 'nothing written by the refused command');
});

t.test('a case this process wrote last is decided without reading it, until another process writes', async (t) => {
  const [first, second] = twoProcesses(t);
  const probe = instrumented(() => first, { knownRevision: true });
  const { service, clock } = await setup(first);
  const here = service(probe.store);
  const there = service(second);

  await run(here, 'c1', 'receive');
  t.same(
    probe.reads.map((r) => r.options?.from),
    [undefined],
    'a new case: its stream is read (and found empty)',
  );
  probe.reads.length = 0;
  await run(here, 'c1', 'escalate');
  t.same(
    probe.reads.map((r) => r.options?.from),
    [undefined],
    'a case just opened is not remembered: its next command reads it whole',
  );
  probe.reads.length = 0;
  await run(here, 'c1', 'escalate');
  t.same(probe.reads, [], 'the store knows the case still ends with this process’s last event');
  clock.set(clock.now().add({ minutes: 1 }));
  await run(there, 'c1', 'acknowledge');
  const next = await run(here, 'c1', 'assign');
  t.same(
    probe.reads.map((r) => r.options?.from),
    [2n],
    'after another process wrote, the tail is read',
  );
  t.equal(next.revision, 4n);

  await run(there, 'c1', 'escalate');
  const pinned = await here.execute({
    caseType: 'complaint',
    expectedRevision: 5n,
    command: { caseId: 'c1', name: 'escalate', payload: bodies.escalate, commandId: 'pinned', actor: desk },
  });
  t.equal(pinned.revision, 6n, 'If-Match names a revision only the other process wrote: not refused on the remembered state');
  await run(there, 'c1', 'withdraw');
  t.match(
    await run(here, 'c1', 'resolve').catch(failure),
    { error: 'TRANSITION_NOT_ALLOWED', details: { state: 'withdrawn' } },
    'a refusal names the stored state',
  );
  t.ok(await chainIntact(first, 'c1'));
});

t.test('an append that races in between the read and the write: conflict, re-read, decided again', async (t) => {
  const memory = createMemoryEventStore();
  const probe = instrumented(() => memory);
  const { service } = await setup(memory);
  const here = service(probe.store);
  const there = service(memory);
  await run(here, 'c1', 'receive');
  await run(here, 'c1', 'acknowledge');
  probe.onceBeforeAppend(async () => {
    await run(there, 'c1', 'escalate');
  });
  const result = await run(here, 'c1', 'assign');
  t.equal(result.revision, 3n);
  const history = await loadCase(memory, 'complaint', 'c1');
  t.same(
    history.events.map((e) => e.type),
    ['ComplaintReceived', 'ComplaintHandlingStarted', 'ComplaintEscalated', 'ComplaintAssigned'],
    'no event lost',
  );
  t.ok(await chainIntact(memory, 'c1'));
  const again = await run(here, 'c1', 'resolve');
  t.equal(again.revision, 4n, 'the cache carries on from the re-read state');
  t.ok(await chainIntact(memory, 'c1'));
});

t.test('the same command decided in two processes at once: the store keeps the first, the cache does not keep the second', async (t) => {
  const memory = createMemoryEventStore();
  const probe = instrumented(() => memory);
  const { service, clock } = await setup(memory);
  const here = service(probe.store);
  const there = service(memory);
  await run(here, 'c1', 'receive');
  // `there` stores the retried command first, with another recordedAt: `here`'s own events differ from the stored ones.
  probe.onceBeforeAppend(async () => {
    clock.set(clock.now().add({ seconds: 5 }));
    await run(there, 'c1', 'escalate', 'retried-command');
  });
  const decidedHere = await run(here, 'c1', 'escalate', 'retried-command');
  t.not(decidedHere.events[0]!.metadata.integrity.hash, (await loadCase(memory, 'complaint', 'c1')).state.lastHash, 'the setup: two versions of one event');
  const next = await run(here, 'c1', 'acknowledge');
  t.equal(next.revision, 2n);
  t.ok(await chainIntact(memory, 'c1'), 'the next event links to the stored one, not to the copy decided here');
  const replay = await run(here, 'c1', 'escalate', 'retried-command');
  t.ok(replay.replayed);
  t.same(replay.events, (await loadCase(memory, 'complaint', 'c1')).events.slice(1, 2), 'the retry answers with the stored events');
});
