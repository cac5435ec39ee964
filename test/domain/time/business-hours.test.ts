import t from 'tap';
import { deadlineFor, type Interval } from '../../../src/domain/time/index.js';
import { at, local, shippedCalendar, zoneCalendar } from '../calendar/fixtures.js';
import { dueFrom } from './fixtures.js';

const calendar = shippedCalendar(); // 08:30–17:30, 540 minutes a working day

t.test('business hours: minutes inside 08:30–17:30 on working days only', async (t) => {
  const cases: [string, string, number, string][] = [
    ['within one day', '2025-03-03T09:00', 120, '2025-03-03T11:00:00+08:00'],
    ['before opening: starts counting at 08:30', '2025-03-03T07:00', 60, '2025-03-03T09:30:00+08:00'],
    ['a full day ends at closing, not the next morning', '2025-03-03T07:00', 540, '2025-03-03T17:30:00+08:00'],
    ['after closing: the next morning', '2025-03-03T20:00', 60, '2025-03-04T09:30:00+08:00'],
    ['over a night', '2025-03-03T17:00', 60, '2025-03-04T09:00:00+08:00'],
    ['Friday afternoon over the weekend', '2025-03-07T16:30', 120, '2025-03-10T09:30:00+08:00'],
    ['received on a Saturday', '2025-03-08T10:00', 30, '2025-03-10T09:00:00+08:00'],
    ['over the Spring Festival', '2025-01-27T17:00', 60, '2025-02-05T09:00:00+08:00'],
    ['a make-up Sunday counts', '2025-01-24T16:00', 600, '2025-01-26T17:00:00+08:00'],
  ];
  for (const [what, received, minutes, due] of cases) {
    t.equal(dueFrom(calendar, { kind: 'business_hours', minutes }, received), due, what);
  }
});

t.test('business hours: pauses take off only the business minutes they cover', async (t) => {
  const received = at('2025-03-03T08:30');
  const cases: [string, Interval[], string][] = [
    ['lunch-time pause of an hour', [{ start: at('2025-03-03T12:00'), end: at('2025-03-03T13:00') }], '2025-03-04T09:30:00+08:00'],
    ['overnight pause: 30 + 30 business minutes', [{ start: at('2025-03-03T17:00'), end: at('2025-03-04T09:00') }], '2025-03-04T09:30:00+08:00'],
    ['pause over a weekend only: nothing', [{ start: at('2025-03-08T00:00'), end: at('2025-03-10T00:00') }], '2025-03-03T17:30:00+08:00'],
  ];
  for (const [what, pauses, due] of cases) {
    const result = deadlineFor(calendar, { kind: 'business_hours', minutes: 540 }, received, pauses, at('2025-03-11T00:00'));
    t.equal(local(result.deadline), due, what);
  }
});

t.test('business hours keep their local reading across a DST change (Berlin, 09:00–17:00)', async (t) => {
  const zone = 'Europe/Berlin';
  t.equal(dueFrom(zoneCalendar(zone), { kind: 'business_hours', minutes: 120 }, '2025-03-28T16:30', zone), '2025-03-31T10:30:00+02:00');
});

t.test('business hours that run into 2027 are refused', async (t) => {
  t.throws(() => deadlineFor(calendar, { kind: 'business_hours', minutes: 60 }, at('2026-12-31T17:00'), [], at('2026-12-31T17:00')), {
    code: 'CALENDAR_YEAR_UNPUBLISHED',
    details: { year: 2027 },
  });
});
