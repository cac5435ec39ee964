import fc from 'fast-check';
import t from 'tap';
import { clockProgress, type ClockDuration, type Interval } from '../../../src/domain/time/index.js';
import { at, local, shippedCalendar } from '../calendar/fixtures.js';

const calendar = shippedCalendar();

type Expected = { consumedMinutes: number; totalMinutes: number; share: number; remainingMinutes: number; deadline: string; paused: boolean };

t.test('progress: counted minutes, share of the clock, minutes remaining', async (t) => {
  const start = at('2025-03-03T10:00'); // Monday
  const lunch: Interval[] = [{ start: at('2025-03-03T12:00'), end: at('2025-03-03T14:00') }];
  const cases: [string, ClockDuration, Interval[], string, Expected][] = [
    [
      'elapsed, a quarter used',
      { kind: 'elapsed', minutes: 1440 },
      [],
      '2025-03-03T16:00',
      { consumedMinutes: 360, totalMinutes: 1440, share: 0.25, remainingMinutes: 1080, deadline: '2025-03-04T10:00:00+08:00', paused: false },
    ],
    [
      'elapsed, a 2 h pause excluded',
      { kind: 'elapsed', minutes: 1440 },
      lunch,
      '2025-03-03T16:00',
      { consumedMinutes: 240, totalMinutes: 1440, share: 240 / 1440, remainingMinutes: 1200, deadline: '2025-03-04T12:00:00+08:00', paused: false },
    ],
    [
      'elapsed, an hour overdue',
      { kind: 'elapsed', minutes: 1440 },
      [],
      '2025-03-04T11:00',
      { consumedMinutes: 1500, totalMinutes: 1440, share: 1500 / 1440, remainingMinutes: -60, deadline: '2025-03-04T10:00:00+08:00', paused: false },
    ],
    [
      'elapsed, exactly at the deadline',
      { kind: 'elapsed', minutes: 1440 },
      [],
      '2025-03-04T10:00',
      { consumedMinutes: 1440, totalMinutes: 1440, share: 1, remainingMinutes: 0, deadline: '2025-03-04T10:00:00+08:00', paused: false },
    ],
    [
      'elapsed, inside an open pause: consumption stands still',
      { kind: 'elapsed', minutes: 1440 },
      [{ start: at('2025-03-03T12:00') }],
      '2025-03-03T15:00',
      { consumedMinutes: 120, totalMinutes: 1440, share: 120 / 1440, remainingMinutes: 1320, deadline: '2025-03-04T13:00:00+08:00', paused: true },
    ],
    [
      'elapsed, measured before the start',
      { kind: 'elapsed', minutes: 30 },
      [],
      '2025-03-03T09:00',
      { consumedMinutes: 0, totalMinutes: 30, share: 0, remainingMinutes: 30, deadline: '2025-03-03T10:30:00+08:00', paused: false },
    ],
    [
      'working days: wall-clock share of start → deadline',
      { kind: 'working_days', days: 3 },
      [],
      '2025-03-04T10:00',
      { consumedMinutes: 1440, totalMinutes: 5160, share: 1440 / 5160, remainingMinutes: 3720, deadline: '2025-03-07T00:00:00+08:00', paused: false },
    ],
    [
      'working days, a partial pause excluded from both',
      { kind: 'working_days', days: 3 },
      lunch,
      '2025-03-04T10:00',
      { consumedMinutes: 1320, totalMinutes: 5040, share: 1320 / 5040, remainingMinutes: 3720, deadline: '2025-03-07T00:00:00+08:00', paused: false },
    ],
    [
      'business hours: the night does not count',
      { kind: 'business_hours', minutes: 1080 },
      [],
      '2025-03-03T20:00',
      { consumedMinutes: 450, totalMinutes: 1080, share: 450 / 1080, remainingMinutes: 630, deadline: '2025-03-05T10:00:00+08:00', paused: false },
    ],
    [
      'business hours, the next morning',
      { kind: 'business_hours', minutes: 1080 },
      [],
      '2025-03-04T12:00',
      { consumedMinutes: 660, totalMinutes: 1080, share: 660 / 1080, remainingMinutes: 420, deadline: '2025-03-05T10:00:00+08:00', paused: false },
    ],
  ];
  for (const [what, duration, pauses, now, expected] of cases) {
    const { deadline, ...rest } = clockProgress(calendar, duration, start, pauses, at(now));
    t.same({ ...rest, deadline: local(deadline) }, expected, what);
  }
});

t.test('property: at its own deadline every clock has used exactly all of its time', async (t) => {
  const start = at('2025-03-03T10:00');
  const durations = fc.oneof(
    fc.record({ kind: fc.constant('elapsed' as const), minutes: fc.integer({ min: 1, max: 5000 }) }),
    fc.record({ kind: fc.constant('business_hours' as const), minutes: fc.integer({ min: 1, max: 5000 }) }),
    fc.record({ kind: fc.constant('working_days' as const), days: fc.integer({ min: 1, max: 15 }) }),
  );
  const ledgers = fc.array(fc.tuple(fc.integer({ min: -600, max: 20_000 }), fc.integer({ min: 1, max: 3000 })), { maxLength: 6 });
  fc.assert(
    fc.property(durations, ledgers, (duration, raw) => {
      const pauses = raw.map(([from, length]) => ({ start: start.add({ minutes: from }), end: start.add({ minutes: from + length }) }));
      const { deadline } = clockProgress(calendar, duration, start, pauses, start);
      const atDeadline = clockProgress(calendar, duration, start, pauses, deadline);
      return atDeadline.remainingMinutes === 0 && atDeadline.share === 1 && atDeadline.deadline.equals(deadline);
    }),
    { numRuns: 200 },
  );
  t.pass('held for every generated clock');
});
