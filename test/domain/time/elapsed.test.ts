import fc from 'fast-check';
import t from 'tap';
import { deadlineFor, isClockDurationInvalid, type ClockDuration, type Interval } from '../../../src/domain/time/index.js';
import { at, local, shippedCalendar, zoneCalendar } from '../calendar/fixtures.js';
import { dueFrom } from './fixtures.js';

const calendar = shippedCalendar();
const day = { kind: 'elapsed', minutes: 24 * 60 } as const;
const pause = (start: string, end?: string): Interval => (end ? { start: at(start), end: at(end) } : { start: at(start) });

t.test('elapsed: wall-clock minutes minus the pauses inside the running clock', async (t) => {
  const reported = '2025-04-03T16:00'; // Thursday before 清明 (4/4–4/6)
  const cases: [string, Interval[], string, string, boolean][] = [
    ['no pause: holidays do not matter', [], reported, '2025-04-04T16:00:00+08:00', false],
    ['paused across the holiday weekend (owner away)', [pause('2025-04-03T18:00', '2025-04-07T09:00')], '2025-04-07T09:00', '2025-04-08T07:00:00+08:00', false],
    [
      'two pauses',
      [pause('2025-04-03T17:00', '2025-04-03T18:00'), pause('2025-04-04T08:00', '2025-04-04T08:30')],
      '2025-04-04T09:00',
      '2025-04-04T17:30:00+08:00',
      false,
    ],
    [
      'overlapping pauses count once',
      [pause('2025-04-03T18:00', '2025-04-03T20:00'), pause('2025-04-03T19:00', '2025-04-03T21:00')],
      '2025-04-03T21:00',
      '2025-04-04T19:00:00+08:00',
      false,
    ],
    [
      'a pause from before the start counts from the start',
      [pause('2025-04-03T14:00', '2025-04-03T17:00')],
      '2025-04-03T17:00',
      '2025-04-04T17:00:00+08:00',
      false,
    ],
    ['a pause wholly before the start is ignored', [pause('2025-04-03T10:00', '2025-04-03T12:00')], reported, '2025-04-04T16:00:00+08:00', false],
    [
      'a pause beginning at the deadline does not move it',
      [pause('2025-04-04T16:00', '2025-04-04T18:00')],
      '2025-04-04T18:00',
      '2025-04-04T16:00:00+08:00',
      false,
    ],
    ['a pause after the deadline does not move it', [pause('2025-04-05T10:00', '2025-04-05T12:00')], '2025-04-05T12:00', '2025-04-04T16:00:00+08:00', false],
    ['an open pause counts up to now', [pause('2025-04-03T18:00')], '2025-04-03T20:30', '2025-04-04T18:30:00+08:00', true],
    ['the same open pause, later: the deadline moved on', [pause('2025-04-03T18:00')], '2025-04-04T18:00', '2025-04-05T16:00:00+08:00', true],
    ['an open pause begun when already overdue', [pause('2025-04-05T09:00')], '2025-04-05T10:00', '2025-04-04T16:00:00+08:00', true],
    ['an open pause not yet begun at now', [pause('2025-04-03T18:00')], '2025-04-03T17:00', '2025-04-04T16:00:00+08:00', false],
  ];
  for (const [what, pauses, now, due, paused] of cases) {
    const result = deadlineFor(calendar, day, at(reported), pauses, at(now));
    t.same({ deadline: local(result.deadline), paused: result.paused }, { deadline: due, paused }, what);
  }
});

t.test('elapsed clocks run on instants: 24 h across a DST change is 24 real hours', async (t) => {
  const zone = 'Europe/Berlin';
  t.equal(dueFrom(zoneCalendar(zone), day, '2025-03-29T12:00', zone), '2025-03-30T13:00:00+02:00');
});

t.test('elapsed clocks need no holiday schedule, so an unpublished year does not stop them', async (t) => {
  t.equal(dueFrom(calendar, { kind: 'elapsed', minutes: 72 * 60 }, '2026-12-31T10:00'), '2027-01-03T10:00:00+08:00');
});

t.test('a corrupt pause or a meaningless duration is refused', async (t) => {
  t.throws(() => deadlineFor(calendar, day, at('2025-04-03T16:00'), [pause('2025-04-03T18:00', '2025-04-03T17:00')], at('2025-04-03T19:00')), {
    code: 'PAUSE_INTERVAL_INVALID',
    details: { index: 0 },
  });
  const durations: unknown[] = [
    { kind: 'elapsed', minutes: 0 },
    { kind: 'elapsed', minutes: -5 },
    { kind: 'elapsed', minutes: 1.5 },
    { kind: 'working_days', days: 0 },
    { kind: 'business_hours', minutes: Number.NaN },
    { kind: 'calendar_days', days: 3 },
  ];
  for (const duration of durations) {
    try {
      deadlineFor(calendar, duration as ClockDuration, at('2025-04-03T16:00'), [], at('2025-04-03T16:00'));
      t.fail(`accepted ${JSON.stringify(duration)}`);
    } catch (error) {
      t.ok(isClockDurationInvalid(error), JSON.stringify(duration));
    }
  }
});

/** An oracle independent of the implementation: paused whole minutes, marked one by one. */
function pausedMinutesBetween(pauses: [number, number][], from: number, to: number): number {
  const paused = new Set<number>();
  for (const [start, end] of pauses) for (let m = Math.max(start, from); m < Math.min(end, to); m++) paused.add(m);
  return paused.size;
}

t.test('property: deadline − start − paused time inside the clock = duration', async (t) => {
  const start = at('2025-04-03T16:00');
  const minute = (offset: number) => start.add({ minutes: offset });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3000 }),
      fc.array(fc.tuple(fc.integer({ min: -600, max: 6000 }), fc.integer({ min: 0, max: 900 })), { maxLength: 8 }),
      (minutes, raw) => {
        const pauses = raw.map(([from, length]) => [from, from + length] as [number, number]);
        const intervals = pauses.map(([from, to]) => ({ start: minute(from), end: minute(to) }));
        const { deadline } = deadlineFor(calendar, { kind: 'elapsed', minutes }, start, intervals, minute(10_000));
        const length = start.until(deadline).total('minutes');
        return length - pausedMinutesBetween(pauses, 0, length) === minutes && !pauses.some(([from, to]) => from < length && length < to);
      },
    ),
  );
  t.pass('held for every generated ledger');
});
