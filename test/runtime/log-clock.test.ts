import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { manualClock } from '../../src/runtime/clock.js';
import type { ClockBehindLog } from '../../src/runtime/clock.js';
import { clockHeldToLog, manualStartOf, manualStartRefusal } from '../../src/runtime/log-clock.js';

const at = (iso: string) => Temporal.Instant.from(iso);
/** A clock that reads what it is told, backwards too, as a system clock after a bad time synchronisation. */
const settable = (start: string) => {
  let current = at(start);
  return { now: () => current, set: (iso: string) => void (current = at(iso)) };
};

t.test('a clock behind the last recordedAt gives that recordedAt, reports once, and says when it has caught up', async (t) => {
  const base = settable('2026-03-02T01:00:00Z');
  const behind: ClockBehindLog[] = [];
  const caughtUp: ClockBehindLog[] = [];
  const clock = clockHeldToLog(base, '2026-03-02T02:00:00.5Z', { toleranceMs: 5_000, onBehind: (s) => behind.push(s), onCaughtUp: (s) => caughtUp.push(s) });
  t.equal(clock.now().toString(), '2026-03-02T02:00:00.5Z', 'held at the log');
  t.equal(clock.now().toString(), '2026-03-02T02:00:00.5Z');
  t.same(behind, [{ behindMs: 3_600_500, toleranceMs: 5_000, heldAt: '2026-03-02T02:00:00.5Z', reads: '2026-03-02T01:00:00Z' }], 'reported once');
  t.equal(clock.behindLog().behindMs, 3_600_500);

  base.set('2026-03-02T02:00:01Z');
  t.equal(clock.now().toString(), '2026-03-02T02:00:01Z', 'the clock again, once it is past the log');
  t.equal(clock.behindLog().behindMs, 0);
  t.equal(caughtUp.length, 1);

  base.set('2026-03-02T02:00:00Z');
  t.equal(clock.now().toString(), '2026-03-02T02:00:01Z', 'set back by a second: never earlier than a time already given');
  t.equal(clock.behindLog().behindMs, 1_000);
  t.equal(behind.length, 1, 'within the tolerance: not reported');
});

t.test('a manual clock held to the log still tells of its moves (the deadline watcher checks on each)', async (t) => {
  const manual = manualClock(at('2026-03-02T01:00:00Z'));
  const held = clockHeldToLog(manual, '2026-03-02T00:00:00Z');
  const seen: string[] = [];
  held.onChange!((now) => seen.push(now.toString()));
  manual.set(at('2026-03-02T02:00:00Z'));
  t.same(seen, ['2026-03-02T02:00:00Z']);
  t.notOk(clockHeldToLog({ now: () => at('2026-03-02T01:00:00Z') }, undefined).onChange, 'a system clock has no moves to tell');
});

t.test('an empty log: the clock as it reads', async (t) => {
  const clock = clockHeldToLog(settable('2026-03-02T01:00:00Z'), undefined);
  t.equal(clock.now().toString(), '2026-03-02T01:00:00Z');
  t.equal(clock.behindLog().behindMs, 0);
});

t.test('a manual clock may not start behind the log', async (t) => {
  const refusal = manualStartRefusal(at('2026-03-01T00:00:00Z'), '2026-03-02T02:00:00Z');
  t.equal(
    refusal,
    "cannot start: CLOCK_START 2026-03-01T00:00:00Z is behind the log's last recordedAt 2026-03-02T02:00:00Z; time only moves forward: set CLOCK_START to 2026-03-02T02:00:00Z or later, or leave it unset to start there",
  );
  t.equal(manualStartRefusal(at('2026-03-02T02:00:00Z'), '2026-03-02T02:00:00Z'), undefined, 'at the last recordedAt: allowed');
  t.equal(manualStartRefusal(at('2026-03-01T00:00:00Z'), undefined), undefined, 'an empty log: anything');
  t.equal(
    manualStartOf(at('2026-03-01T00:00:00Z'), '2026-03-02T02:00:00Z').toString(),
    '2026-03-02T02:00:00Z',
    'unset: at the log when the system is behind it',
  );
  t.equal(manualStartOf(at('2026-03-03T00:00:00Z'), '2026-03-02T02:00:00Z').toString(), '2026-03-03T00:00:00Z', 'unset: the system time when it is later');
  const manual = manualClock(manualStartOf(at('2026-03-01T00:00:00Z'), undefined));
  t.equal(manual.now().toString(), '2026-03-01T00:00:00Z');
});
