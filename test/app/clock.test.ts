import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { manualClock, systemClock } from '../../src/runtime/clock.js';

t.test('the system clock reads Date.now(), one Instant for each millisecond', async (t) => {
  let millisecond = Date.UTC(2026, 2, 2, 1, 0, 0, 7);
  t.intercept(Date, 'now', { value: () => millisecond });
  const first = systemClock.now();
  t.equal(first.toString(), '2026-03-02T01:00:00.007Z');
  t.equal(systemClock.now(), first, 'within the millisecond: the same Instant');
  millisecond += 1;
  t.equal(systemClock.now().toString(), '2026-03-02T01:00:00.008Z', 'the next millisecond: the next Instant');
  millisecond -= 5;
  t.equal(systemClock.now().toString(), '2026-03-02T01:00:00.003Z', 'a system clock set back is followed, as Temporal.Now would');
});

t.test('the manual clock stands still and only moves forward', async (t) => {
  const clock = manualClock(Temporal.Instant.from('2026-03-02T01:00:00Z'));
  const seen: string[] = [];
  clock.onChange((now) => seen.push(now.toString()));
  clock.set(Temporal.Instant.from('2026-03-02T02:00:00Z'));
  t.equal(clock.now().toString(), '2026-03-02T02:00:00Z');
  t.throws(() => clock.set(Temporal.Instant.from('2026-03-02T01:30:00Z')), { code: 'CLOCK_MOVED_BACKWARDS' });
  t.same(seen, ['2026-03-02T02:00:00Z']);
});
