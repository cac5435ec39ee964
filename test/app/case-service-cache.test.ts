import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { bodies, failure, instrumented, outcome, run, ruleset, setup } from './case-service-fixture.js';

// The case cache: its size and order of eviction, a store it cannot trust, and outcomes that never depend on it.

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
