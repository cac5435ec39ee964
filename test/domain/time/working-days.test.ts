import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { deadlineFor, type Interval } from '../../../src/domain/time/index.js';
import { at, local, shippedCalendar, zoneCalendar } from '../calendar/fixtures.js';
import { dueFrom } from './fixtures.js';

const calendar = shippedCalendar();

t.test('due at 24:00 local of the Nth working day after the day of receipt', async (t) => {
  const cases: [string, string, number, string][] = [
    ['an ordinary week', '2025-03-03T10:00', 3, '2025-03-07T00:00:00+08:00'],
    ['received at midnight: the day of receipt still does not count', '2025-03-03T00:00', 1, '2025-03-05T00:00:00+08:00'],
    ['over a weekend', '2025-03-06T16:00', 2, '2025-03-11T00:00:00+08:00'],
    ['23:59 the day before the Spring Festival', '2025-01-27T23:59', 3, '2025-02-08T00:00:00+08:00'],
    ['received on a holiday: the first working day after is day 1', '2025-01-30T10:00', 1, '2025-02-06T00:00:00+08:00'],
    ['received during National Day', '2025-10-03T10:00', 1, '2025-10-10T00:00:00+08:00'],
    ['a make-up Saturday (调休) is a working day', '2025-02-07T09:00', 1, '2025-02-09T00:00:00+08:00'],
    ['a make-up Sunday before National Day', '2025-09-26T15:00', 2, '2025-09-30T00:00:00+08:00'],
    ['across the new year, into 2026', '2025-12-31T10:00', 1, '2026-01-05T00:00:00+08:00'],
    ['the 2026 Spring Festival, nine days', '2026-02-13T18:00', 2, '2026-02-25T00:00:00+08:00'],
  ];
  for (const [what, received, days, due] of cases) {
    t.equal(dueFrom(calendar, { kind: 'working_days', days }, received), due, what);
  }
});

t.test('a deadline in an unpublished year (2027) is refused', async (t) => {
  t.throws(() => deadlineFor(calendar, { kind: 'working_days', days: 3 }, at('2026-12-29T10:00'), [], at('2026-12-29T10:00')), {
    code: 'CALENDAR_YEAR_UNPUBLISHED',
    details: { calendarId: 'cn-mainland', year: 2027 },
  });
});

t.test('pauses: only a working day paused from 00:00 to 24:00 moves the deadline', async (t) => {
  const received = at('2025-03-03T10:00'); // Monday; 3 working days → due Friday 00:00 unpaused
  const cases: [string, Interval[], string, string, boolean][] = [
    [
      'all of Tuesday paused: Tuesday not counted',
      [{ start: at('2025-03-04T00:00'), end: at('2025-03-05T00:00') }],
      '2025-03-05T00:00',
      '2025-03-08T00:00:00+08:00',
      false,
    ],
    [
      'Tuesday paused all but a minute: counted in full',
      [{ start: at('2025-03-04T00:00'), end: at('2025-03-04T23:59') }],
      '2025-03-05T00:00',
      '2025-03-07T00:00:00+08:00',
      false,
    ],
    ['Tuesday and Wednesday paused', [{ start: at('2025-03-03T15:00'), end: at('2025-03-06T08:00') }], '2025-03-06T08:00', '2025-03-11T00:00:00+08:00', false],
    [
      'a paused weekend changes nothing',
      [{ start: at('2025-03-08T00:00'), end: at('2025-03-10T00:00') }],
      '2025-03-10T00:00',
      '2025-03-07T00:00:00+08:00',
      false,
    ],
    [
      'open since Tuesday 00:00, at Tuesday 15:00: Tuesday not yet lost',
      [{ start: at('2025-03-04T00:00') }],
      '2025-03-04T15:00',
      '2025-03-07T00:00:00+08:00',
      true,
    ],
    ['open since Tuesday 00:00, at Wednesday 10:00: Tuesday lost', [{ start: at('2025-03-04T00:00') }], '2025-03-05T10:00', '2025-03-08T00:00:00+08:00', true],
  ];
  for (const [what, pauses, now, due, paused] of cases) {
    const result = deadlineFor(calendar, { kind: 'working_days', days: 3 }, received, pauses, at(now));
    t.same({ deadline: local(result.deadline), paused: result.paused }, { deadline: due, paused }, what);
  }
});

t.test('day boundaries come from the zone, also where clocks change', async (t) => {
  const cases: [string, string, string, number, string, string][] = [
    ['New York, DST starts Sunday', 'America/New_York', '2025-03-07T10:00', 1, '2025-03-11T00:00:00-04:00', '2025-03-11T04:00:00Z'],
    ['New York, received Saturday 23:30 EST', 'America/New_York', '2025-03-08T23:30', 1, '2025-03-11T00:00:00-04:00', '2025-03-11T04:00:00Z'],
    ['New York, DST ends Sunday', 'America/New_York', '2025-10-31T10:00', 1, '2025-11-04T00:00:00-05:00', '2025-11-04T05:00:00Z'],
    ['Berlin, DST starts Sunday', 'Europe/Berlin', '2025-03-28T12:00', 1, '2025-04-01T00:00:00+02:00', '2025-03-31T22:00:00Z'],
  ];
  for (const [what, zone, received, days, localDue, utc] of cases) {
    const due = dueFrom(zoneCalendar(zone), { kind: 'working_days', days }, received, zone);
    t.equal(due, localDue, what);
    t.equal(Temporal.Instant.from(due).toString(), utc, `${what} (UTC)`);
  }
  // Santiago skips 00:00 on 2025-09-07: "24:00 of Saturday" is the first instant of Sunday, 01:00.
  const santiago = zoneCalendar('America/Santiago', [7]);
  t.equal(
    dueFrom(santiago, { kind: 'working_days', days: 1 }, '2025-09-05T12:00', 'America/Santiago'),
    '2025-09-07T01:00:00-03:00',
    'midnight that does not exist',
  );
});
