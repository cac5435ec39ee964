import type { Temporal } from 'temporal-polyfill';
import { workingDaysFrom, type BusinessCalendar } from '../calendar/calendar.js';
import type { Span } from './interval.js';
import { localDate } from './working-days.js';

/** The business-hours window of one day, as instants (DST-aware: 08:30 is 08:30 local either side of a change). */
export function businessWindow(calendar: BusinessCalendar, day: Temporal.PlainDate): Span {
  const { timeZone, businessHours } = calendar;
  return {
    from: day.toZonedDateTime({ timeZone, plainTime: businessHours.start }).epochNanoseconds,
    to: day.toZonedDateTime({ timeZone, plainTime: businessHours.end }).epochNanoseconds,
  };
}

/** Business hours on working days from `start` on, in order, without end (the part before `start` cut off). */
export function* businessWindowsFrom(calendar: BusinessCalendar, start: Temporal.Instant): Generator<Span> {
  const from = start.epochNanoseconds;
  for (const day of workingDaysFrom(calendar, localDate(start, calendar.timeZone))) {
    const window = businessWindow(calendar, day);
    if (window.to <= from) continue;
    yield { from: window.from > from ? window.from : from, to: window.to };
  }
}
