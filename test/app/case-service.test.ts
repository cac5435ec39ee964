import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { Temporal } from 'temporal-polyfill';
import { loadCase } from '../../src/app/case-history.js';
import { caseService, type CaseService, type ExecuteResult } from '../../src/app/case-service.js';
import { NUMBERING_STREAM_PREFIX } from '../../src/app/work-order-numbers.js';
import { manualClock, type ManualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry, type RulesetRegistry } from '../../src/ruleset/registry.js';
import type { CaseState } from '../../src/domain/case/state.js';
import type { Actor } from '../../src/domain/events/envelope.js';
import { firstBrokenLink } from '../../src/domain/integrity.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { isEngineError } from '../../src/errors.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import type { EventStore, ReadStreamOptions } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';

const ruleset = await loadRuleset(new URL('../../rules', import.meta.url).pathname);
const desk: Actor = { id: 'desk-1', role: 'frontdesk' };
const START = Temporal.Instant.from('2026-03-02T01:00:00Z');
const complaint = {
  propertyId: 'demo',
  unit: '3-2-1201',
  category: 'noise',
  description: '楼上深夜装修噪音',
  channel: 'phone',
  owner: { name: '测试业主', phone: '+86 138-0013-8000' },
};
/** A payload each complaint action accepts when the lifecycle allows it. */
const bodies: Record<string, unknown> = {
  receive: complaint,
  acknowledge: {},
  assign: { department: 'engineering' },
  resolve: { resolution: '已协调施工方' },
  'notify-owner': {},
  callback: { satisfaction: 'satisfied' },
  close: {},
  reopen: { reason: '业主不满意' },
  escalate: { reason: '多次投诉' },
  withdraw: { reason: '业主撤回' },
  reject: { reason: '非物业责任' },
};

/**
 * A store that lets a test act at chosen moments: before an append, and records how streams are
 * read. It passes on the inner store's knownRevision only when asked to, so that reads happen.
 */
const instrumented = (inner: () => EventStore, options: { knownRevision?: boolean } = {}) => {
  const reads: { stream: string; options: ReadStreamOptions | undefined }[] = [];
  let beforeAppend: (() => Promise<void>) | undefined;
  const store: EventStore = {
    appendToStream: async (stream, events, options) => {
      const hook = beforeAppend;
      beforeAppend = undefined;
      await hook?.();
      return inner().appendToStream(stream, events, options);
    },
    readStream: (stream, options) => {
      // The counters of work-order numbers are streams of their own, read apart from the record's.
      if (!stream.startsWith(NUMBERING_STREAM_PREFIX)) reads.push({ stream, options });
      return inner().readStream(stream, options);
    },
    readAll: (options) => inner().readAll(options),
    subscribeToAll: (options) => inner().subscribeToAll(options),
    close: () => inner().close(),
    ...(options.knownRevision ? { knownRevision: (stream: string) => inner().knownRevision?.(stream) } : {}),
  };
  return { store, reads, onceBeforeAppend: (hook: () => Promise<void>) => void (beforeAppend = hook) };
};

interface Setup {
  readonly clock: ManualClock;
  readonly rulesets: RulesetRegistry;
  service(store: EventStore, cacheSize?: number): CaseService;
}
const setup = async (store: EventStore): Promise<Setup> => {
  const clock = manualClock(START);
  const rulesets = await openRulesetRegistry(store, ruleset);
  return { clock, rulesets, service: (s, cacheSize) => caseService({ store: s, rulesets, clock, ...(cacheSize === undefined ? {} : { cacheSize }) }) };
};

const run = (service: CaseService, caseId: string, name: string, commandId = `${caseId}-${name}-${Math.random()}`) =>
  service.execute({ caseType: 'complaint', command: { caseId, name, payload: bodies[name], commandId, actor: desk } });

/** Everything about an outcome that must not depend on the cache. */
const outcome = (result: ExecuteResult) => ({
  caseId: result.caseId,
  revision: String(result.revision),
  replayed: result.replayed,
  state: view(result.state),
  events: result.events,
});
const view = (state: CaseState<unknown>) => ({
  state: state.snapshot.state,
  facts: state.snapshot.facts,
  done: state.snapshot.done,
  revision: state.revision === null ? null : String(state.revision),
  propertyId: state.propertyId,
  rulesetVersion: state.rulesetVersion,
  lastOccurredAt: state.lastOccurredAt,
  lastHash: state.lastHash,
});
const failure = (error: unknown) => (isEngineError(error) ? { error: error.code, details: error.details } : Promise.reject(error));

const chainIntact = async (store: EventStore, caseId: string) => {
  const history = await loadCase(store, 'complaint', caseId);
  return firstBrokenLink(history.events) === -1;
};

/** Two store objects on one SQLite file: two processes sharing the event store. */
const twoProcesses = (t: Test) => {
  const dir = t.testdir();
  const stores = [openSqliteEventStore({ file: `${dir}/events.db` }), openSqliteEventStore({ file: `${dir}/events.db` })] as const;
  t.teardown(async () => {
    for (const store of stores) await store.close();
  });
  return stores;
};

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

t.test('the cache holds at most cacheSize cases, least recently used out first', async (t) => {
  const memory = createMemoryEventStore();
  const probe = instrumented(() => memory);
  const { service } = await setup(memory);
  const svc = service(probe.store, 2);
  for (const id of ['a', 'b', 'c']) await run(svc, id, 'receive');
  const readOf = async (id: string) => {
    probe.reads.length = 0;
    await run(svc, id, 'escalate');
    return probe.reads.map((r) => r.options?.from);
  };
  t.same(await readOf('a'), [undefined], 'cases just opened are not remembered: each is read whole once more');
  t.same(await readOf('b'), [undefined]);
  t.same(await readOf('c'), [undefined], 'and remembered from then on, c pushing out a');
  t.same(await readOf('c'), [1n], 'a cached case: only the tail is read, from its last known event');
  t.same(await readOf('b'), [1n]);
  t.same(await readOf('a'), [undefined], 'evicted by c: read whole');
  t.same(await readOf('b'), [2n], 'b was used after c, so a pushed c out, not b');
  t.same(await readOf('c'), [undefined]);
  t.same(await readOf('a'), [undefined], 'and c pushed a out');

  const none = service(probe.store, 0);
  probe.reads.length = 0;
  await run(none, 'a', 'escalate');
  await run(none, 'a', 'escalate');
  t.same(
    probe.reads.map((r) => r.options?.from),
    [undefined, undefined],
    'cacheSize 0: every command reads the whole case',
  );
  t.throws(() => service(memory, -1), RangeError);
});

t.test('a store that no longer holds the cached events is read afresh, never trusted', async (t) => {
  let current = createMemoryEventStore();
  const probe = instrumented(() => current);
  const { service } = await setup(current);
  const svc = service(probe.store);
  await run(svc, 'c1', 'receive');
  await run(svc, 'c1', 'escalate');
  current = createMemoryEventStore();
  t.match(await run(svc, 'c1', 'escalate').catch(failure), { error: 'CASE_NOT_FOUND' }, 'an empty tail: the case is not there');
  await openRulesetRegistry(current, ruleset);
  const created = await run(svc, 'c1', 'receive');
  t.equal(created.revision, 0n, 'and can be opened again');
});

interface Step {
  /** A foreign step is run by another process's service over the same store. */
  readonly foreign: boolean;
  readonly caseId: string;
  readonly name: string;
  /** null: a new command; a number: one of a few ids, so retries (also on another case) come up. */
  readonly retryOf: number | null;
  readonly minutes: number;
}

/** Weighted towards the happy path, so that cases get long histories and most steps write. */
const nameArbitrary = fc.oneof(
  { arbitrary: fc.constantFrom('acknowledge', 'assign', 'escalate', 'escalate', 'resolve', 'notify-owner', 'callback', 'reopen'), weight: 6 },
  { arbitrary: fc.constantFrom(...Object.keys(bodies)), weight: 1 },
);
const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  foreign: fc.constantFrom(false, false, true),
  caseId: fc.constantFrom('k1', 'k2', 'k3'),
  name: nameArbitrary,
  retryOf: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 5 }), weight: 1 }),
  minutes: fc.integer({ min: 0, max: 3 }),
});

t.test('the same outcomes with and without the cache, for any sequence of commands and foreign appends', async (t) => {
  const tally = { steps: 0, written: 0 };
  const played = async (steps: readonly Step[], cacheSize: number) => {
    const memory = createMemoryEventStore();
    const { service, clock } = await setup(memory);
    const svc = service(memory, cacheSize);
    const foreign = service(memory, 1);
    const outcomes: unknown[] = [];
    const opened = ['k1', 'k2', 'k3'].map((caseId) => ({ foreign: caseId === 'k3', caseId, name: 'receive', retryOf: null, minutes: 0 }));
    for (const [index, step] of [...opened, ...steps].entries()) {
      clock.set(clock.now().add({ minutes: step.minutes }));
      const commandId = step.retryOf === null ? `cmd-${index}` : `retried-${step.retryOf}`;
      outcomes.push(await run(step.foreign ? foreign : svc, step.caseId, step.name, commandId).then(outcome, failure));
    }
    tally.steps += steps.length + opened.length;
    const log = (await memory.readAll()).map(({ position: _p, ...event }) => event);
    tally.written += log.length - 1;
    return { outcomes, log };
  };
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 50 }), async (steps) => {
      const [withCache, tiny, without] = await Promise.all([played(steps, 10_000), played(steps, 2), played(steps, 0)]);
      return isDeepStrictEqual(withCache, without) && isDeepStrictEqual(tiny, without);
    }),
    { numRuns: 60 },
  );
  t.pass('identical outcomes and identical stored events');
  t.ok(tally.written > tally.steps / 3, `the sequences do write: ${tally.written} events from ${tally.steps} steps`);
});
